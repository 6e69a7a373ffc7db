package dev.steadysocket.reliability;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import okhttp3.tls.HeldCertificate;

/**
 * test-servers/tls10/server.py in a child process: real OpenSSL servers (Python's ssl module) that
 * speak only TLS 1.0, and a peer that hangs up mid-handshake, each on its own port of 127.0.0.1
 * (see the script for what each does). It exits by itself when its stdin closes.
 */
final class Tls10Server implements AutoCloseable {
  /**
   * Prints the OpenSSL version if Python's ssl can still make a TLSv1 server (deprecated, not
   * removed; an OpenSSL built without TLS 1.0 cannot).
   */
  private static final String CHECK = "import ssl, warnings; warnings.simplefilter('ignore');"
      + " ssl.SSLContext(ssl.PROTOCOL_TLSv1); ssl.TLSVersion.TLSv1; print(ssl.OPENSSL_VERSION)";

  private final ChildProcess process;
  private final Path dir;
  private final Map<String, Integer> ports;

  private Tls10Server(ChildProcess process, Path dir, Map<String, Integer> ports) {
    this.process = process;
    this.dir = dir;
    this.ports = ports;
  }

  /** Skips (fails on CI) unless a Python whose ssl module still has TLSv1 is found. */
  static Tls10Server start(HeldCertificate certificate) throws IOException, InterruptedException {
    Path script = Peers.repoRoot().resolve("test-servers/tls10/server.py");
    Peers.requireOrSkip(Files.isRegularFile(script), "missing " + script);
    String python = python();
    Peers.requireOrSkip(python != null,
        "no Python 3 whose ssl module offers TLSv1 (tried -Dtls.python, /usr/bin/python3, python3)");
    Path dir = Files.createTempDirectory("steadysocket-tls10");
    Path cert = Files.writeString(dir.resolve("cert.pem"), certificate.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), certificate.privateKeyPkcs8Pem());
    ChildProcess p = ChildProcess.start("tls10",
        List.of(python, script.toString(), cert.toString(), key.toString()), Collections.emptyMap());
    try {
      Map<String, Integer> ports = new HashMap<>();
      while (true) {
        Matcher m = p.awaitStdout("^(LISTENING (\\S+) (\\d+)|READY)$", Duration.ofSeconds(15));
        if (m.group(2) == null) break;
        ports.put(m.group(2), Integer.parseInt(m.group(3)));
      }
      return new Tls10Server(p, dir, ports);
    } catch (Throwable t) {
      p.kill();
      deleteQuietly(dir);
      throw t;
    }
  }

  /** The first Python whose ssl module still offers TLSv1, or null. */
  static String python() {
    List<String> candidates = new ArrayList<>();
    String configured = System.getProperty("tls.python");
    if (configured != null && !configured.isEmpty()) candidates.add(configured);
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    for (String c : candidates) {
      if (Peers.version(c, "-c", CHECK) != null) return c;
    }
    return null;
  }

  /** The OpenSSL behind {@code python}, as its ssl module reports it. */
  static String openSslVersion(String python) {
    return Peers.version(python, "-c", CHECK);
  }

  int port(String scenario) {
    Integer port = ports.get(scenario);
    if (port == null) throw new IllegalArgumentException("no listener " + scenario + " in " + ports);
    return port;
  }

  /** What the server reported about the connections so far ("CONN name outcome" lines). */
  List<String> outcomes() {
    return process.drainStdout();
  }

  /** Like {@link #outcomes()}, waiting up to 2 s for each of {@code expected} lines still to come. */
  List<String> outcomes(long expected) throws InterruptedException {
    List<String> lines = new ArrayList<>(process.drainStdout());
    while (lines.size() < expected) {
      String line = process.nextStdout(Duration.ofSeconds(2));
      if (line == null) break;
      lines.add(line);
    }
    return lines;
  }

  @Override
  public void close() {
    process.close();
    deleteQuietly(dir);
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary directory left behind
    }
  }
}
