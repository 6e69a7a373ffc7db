package dev.steadysocket.reliability;

import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue item 6: tokens, Authorization and other header values and secret query parameters never
 * appear in any log line, with every SLF4J logger at TRACE and OkHttp's java.util.logging at ALL.
 * Runs in its own surefire execution ("trace-log") with {@link CapturingLogProvider} as the SLF4J
 * provider; anywhere else it is skipped.
 */
class TraceLogSecretsTest extends RealPeerTest {

  @Test
  void secretsNeverAppearInAnyLogLineAtTrace() throws Exception {
    boolean capturing = LoggerFactory.getILoggerFactory() instanceof CapturingLogProvider.Factory;
    if (!capturing && "trace".equals(System.getProperty("reliability.part"))) {
      throw new AssertionError("the trace-log execution must select -Dslf4j.provider=" + CapturingLogProvider.class.getName());
    }
    // Elsewhere (an IDE, or -Dtest=… pulling it into the default execution) another binding logs.
    Assumptions.assumeTrue(capturing, "needs -Dslf4j.provider=" + CapturingLogProvider.class.getName());
    List<String> jul = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Level rootLevel = root.getLevel();
    Handler julCapture = new Handler() {
      private final SimpleFormatter format = new SimpleFormatter();

      @Override
      public void publish(LogRecord record) {
        jul.add(format.format(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    julCapture.setLevel(java.util.logging.Level.ALL);
    root.addHandler(julCapture);
    root.setLevel(java.util.logging.Level.ALL);
    try {
      run(jul);
    } finally {
      root.removeHandler(julCapture);
      root.setLevel(rootLevel);
    }
  }

  private void run(List<String> jul) throws Exception {
    String token1 = "tok1-" + UUID.randomUUID();
    String token2 = "tok2-" + UUID.randomUUID();
    String header = "hdr-" + UUID.randomUUID();
    String query = "qry-" + UUID.randomUUID();
    String token3 = "tok3-" + UUID.randomUUID();
    List<String> secrets = List.of(token1, token2, header, query, token3);
    CapturingLogProvider.LINES.clear();
    NodeServer node = track(NodeServer.start());

    // 1. A full life: connect, messages, heartbeats, a decode error, 1008 → fresh token, a drop.
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        open(builder(node.url("/echo?access_token=" + query), events)
            .heartbeat(STEADY_HEARTBEAT)
            .header("X-Api-Key", header)
            .tokenProvider(refresh -> refresh ? token2 : token1), events);
    for (int i = 0; i < 5; i++) echo(socket, events, "chat-" + i);
    socket.send(command("whoami"));
    assertEquals("Bearer " + token1, events.awaitMessage("whoami").envelope.content().path("authorization").asText());
    socket.send(command("inject", "kind", "malformed-json"));
    events.awaitMessage("after");
    socket.send(command("close", "code", 1008, "reason", "token expired"));
    assertInstanceOf(AuthenticationException.class, events.await(RecordingListener.Error.class, e -> true).error);
    events.awaitState(OPEN);
    socket.send(command("whoami"));
    assertEquals("Bearer " + token2, events.awaitMessage("whoami").envelope.content().path("authorization").asText());
    socket.send(command("destroy"));
    assertInstanceOf(ConnectionLostException.class, events.await(RecordingListener.Error.class, e -> true).error);
    events.awaitState(OPEN);
    socket.send(Envelope.of("bye", Map.of("secretless", true)));
    events.awaitMessage("bye");

    // 2. 401 twice: the token is refreshed once, then AuthenticationException.
    RecordingListener rejected = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    track(builder(node.url("/status/401?access_token=" + query), rejected)
        .header("X-Api-Key", header)
        .tokenProvider(refresh -> refresh ? token2 : token1).build()).connect();
    assertInstanceOf(AuthenticationException.class, rejected.awaitClosed().reason.error());

    // 3. Nobody listening: connection refused, retried.
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    RecordingListener refused = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    track(builder("ws://127.0.0.1:" + closedPort + "/feed?access_token=" + query, refused)
        .header("X-Api-Key", header)
        .tokenProvider(refresh -> token1).build()).connect();
    refused.await(RecordingListener.Reconnecting.class, r -> r.attempt == 2);

    // 4. #18: a first-frame auth built from the token, echoed back (no reply): it times out, the
    // connection fails and the next one sends it again; a rejection's and a timeout's text.
    RecordingListener setup = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket auth = track(builder(node.url("/echo"), setup)
        .tokenProvider(refresh -> token3)
        .tokenHeader("", "")
        .build());
    dev.steadysocket.SetupRegistration registration = auth.setup(dev.steadysocket.SetupMessage
        .fromToken(t -> Envelope.of("auth", Map.of("token", t)))
        .awaitReply(java.time.Duration.ofMillis(500))
        .cancelWith(Envelope.of("logout", Map.of("token", token3))));
    auth.connect();
    assertEquals(token3, setup.awaitMessage("auth").envelope.content().path("token").asText(), "sent with the token");
    Throwable timeout = setup.await(RecordingListener.Error.class, e -> e.error instanceof dev.steadysocket.SetupTimeoutException).error;
    setup.awaitMessage("auth"); // the next connection sends it again
    List<String> texts = new ArrayList<>(List.of(registration.toString(), registration.message().toString(),
        String.valueOf(timeout), String.valueOf(timeout.getMessage()), auth.toString(), auth.metrics().toString()));
    registration.cancel();
    for (String text : texts) {
      assertTrue(!text.contains(token3), "a setup message's token in toString or an exception: " + text);
    }
    closeEverything(); // close() paths log too

    List<String> lines = new ArrayList<>(CapturingLogProvider.LINES);
    lines.addAll(jul);
    int trace = 0;
    for (String l : CapturingLogProvider.LINES) if (l.startsWith("TRACE")) trace++;
    assertTrue(trace > 0, "TRACE logging was not on");
    java.nio.file.Path dump =
        java.nio.file.Path.of(System.getProperty("reliability.dir", "target/reliability"), "trace-log-captured.txt");
    java.nio.file.Files.createDirectories(dump.getParent());
    java.nio.file.Files.write(dump, lines); // for a human look at what was scanned
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      for (String secret : secrets) if (line.contains(secret)) leaks.add(line);
    }
    assertTrue(leaks.isEmpty(), "secrets in the logs:\n" + String.join("\n", leaks));
    Report.row(Section.SECURITY,
        "Token, Authorization, X-Api-Key header and ?access_token= query in every log line: every SLF4J logger at"
            + " TRACE (capturing provider, own JVM) and OkHttp's java.util.logging at ALL, over connect, messages,"
            + " heartbeats, a decode error, close 1008 → token refresh, a drop, 401 twice, connection refused,"
            + " a first-frame auth setup message built from the token (timed out, sent again, cancelled), close",
        "never logged (URLs are logged redacted, header values never)",
        "0 of " + lines.size() + " captured lines contain any of the 5 secrets; the server saw both tokens"
            + " (Bearer <token1>, then Bearer <token2> after 1008)",
        CapturingLogProvider.LINES.size() + " SLF4J lines (" + trace + " at TRACE) + " + jul.size() + " JUL lines scanned");
  }
}
