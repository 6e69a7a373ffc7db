package dev.steadysocket.reliability;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;

/**
 * nginx as a WebSocket reverse proxy in front of an upstream on 127.0.0.1, started from a
 * generated config in a temporary directory ({@code nginx -p dir -c dir/nginx.conf -g 'daemon
 * off;'}). One process (no master) under a watchdog shell, so stopping it, or the JVM dying,
 * leaves nothing behind.
 */
final class Nginx implements AutoCloseable {
  /**
   * Runs "$0" "$@" (nginx and its arguments) until stdin closes or the shell gets SIGTERM, then
   * stops it. cat watches stdin in the background (through fd 3: a background job's own stdin is
   * /dev/null), so that {@code wait}, unlike a foreground command, lets a trapped signal in at once.
   */
  private static final String WATCHDOG =
      "exec 3<&0; \"$0\" \"$@\" 3<&- & n=$!; trap 'kill $n 2>/dev/null' EXIT; trap 'exit 143' TERM INT HUP;"
          + " cat <&3 >/dev/null 3<&- & wait $!; kill $n 2>/dev/null; wait $n";

  private final ChildProcess process;
  final int port;
  final Path dir;

  private Nginx(ChildProcess process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Skips (fails on CI) if nginx is missing. */
  static Nginx start(Path dir, int upstreamPort, Duration proxyReadTimeout) throws IOException, InterruptedException {
    String binary = Peers.requireNginx();
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort(); // free now; nginx binds it a moment later
    }
    Files.createDirectories(dir);
    String d = dir.toAbsolutePath().toString();
    String conf =
        "worker_processes 1;\n"
            + "master_process off;\n"
            + "pid " + d + "/nginx.pid;\n"
            + "error_log stderr info;\n"
            + "events { worker_connections 256; }\n"
            + "http {\n"
            + "  access_log " + d + "/access.log;\n"
            + "  client_body_temp_path " + d + "/client_body;\n"
            + "  proxy_temp_path " + d + "/proxy;\n"
            + "  fastcgi_temp_path " + d + "/fastcgi;\n"
            + "  uwsgi_temp_path " + d + "/uwsgi;\n"
            + "  scgi_temp_path " + d + "/scgi;\n"
            + "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
            + "  server {\n"
            + "    listen 127.0.0.1:" + port + ";\n"
            + "    location / {\n"
            + "      proxy_pass http://127.0.0.1:" + upstreamPort + ";\n"
            + "      proxy_http_version 1.1;\n"
            + "      proxy_set_header Upgrade $http_upgrade;\n"
            + "      proxy_set_header Connection $connection_upgrade;\n"
            + "      proxy_set_header Host $host;\n"
            + "      proxy_connect_timeout 2s;\n"
            + "      proxy_read_timeout " + proxyReadTimeout.toMillis() + "ms;\n"
            + "      proxy_send_timeout " + proxyReadTimeout.toMillis() + "ms;\n"
            + "    }\n"
            + "  }\n"
            + "}\n";
    Files.writeString(dir.resolve("nginx.conf"), conf);
    // nginx never reads stdin, so a shell holds it: when the JVM goes away (even killed), stdin
    // closes and the shell stops nginx. close() does the same.
    ChildProcess p =
        ChildProcess.start(
            "nginx",
            Arrays.asList("sh", "-c", WATCHDOG, binary, "-p", d + "/", "-c", d + "/nginx.conf", "-g", "daemon off;"),
            Collections.<String, String>emptyMap());
    try {
      // Logged by ngx_os_status, after the listening sockets were opened.
      p.awaitStderr("getrlimit", Duration.ofSeconds(15));
      return new Nginx(p, port, dir);
    } catch (Throwable t) {
      p.kill();
      throw t;
    }
  }

  String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  @Override
  public void close() {
    process.close();
  }
}
