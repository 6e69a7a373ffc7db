package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.testsupport.ChildProcess;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** feed-cli as a user runs it: a child process, judged by its output and exit status. */
@Timeout(90)
class FeedCliTest {
  private static final Duration SOON = Duration.ofSeconds(20);
  private static final String TICKER_LINE =
      "^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ticker\\s+demo-feed\\s+\\{\"symbol\":\"[A-Z]+\",\"price\":[0-9.]+,\"change\":-?[0-9.]+}$";

  @Test
  void helpListsTheOptions() throws Exception {
    try (ChildProcess cli = ChildProcess.java(FeedCli.class, "--help")) {
      cli.awaitStdout("^Usage: feed-cli \\[URL\\]", SOON);
      String rest = String.join("\n", cli.remainingStdout(SOON));
      for (String option : new String[] {"--header", "--token", "--send", "--subscribe", "--type", "--count",
          "--heartbeat", "--max-backoff", "--json", "--pretty", "--raw", "--chaos", "--verbose", "--metrics"}) {
        assertTrue(rest.contains(option), "help mentions " + option + ":\n" + rest);
      }
      assertEquals(0, cli.awaitExit(SOON));
    }
  }

  @Test
  void badUrlExitsWithStatus2AndOneLineReason() throws Exception {
    try (ChildProcess cli = ChildProcess.java(FeedCli.class, "ftp://example.invalid/feed")) {
      cli.awaitStderr("^feed-cli: bad URL: ", SOON);
      assertFalse(cli.transcript().contains("example.invalid"), "URLs may hold secrets: not echoed");
      assertEquals(2, cli.awaitExit(SOON));
    }
  }

  @Test
  void unknownOptionExitsWithStatus2() throws Exception {
    try (ChildProcess cli = ChildProcess.java(FeedCli.class, "--frobnicate")) {
      cli.awaitStderr("^feed-cli: unknown option --frobnicate", SOON);
      assertEquals(2, cli.awaitExit(SOON));
    }
  }

  @Test
  void withoutUrlPrintsTheEmbeddedDemoTickerAndExitsAfterCount() throws Exception {
    try (ChildProcess cli = ChildProcess.java(FeedCli.class, "--type", "ticker", "--count", "5")) {
      cli.awaitStderr("\\* demo feed server on ws://127\\.0\\.0\\.1:\\d+/", SOON);
      cli.awaitStderr("\\* open$", SOON);
      List<String> lines = cli.remainingStdout(SOON);
      assertEquals(5, lines.size(), cli.transcript());
      for (String line : lines) {
        assertTrue(line.matches(TICKER_LINE), "ticker line: " + line);
      }
      assertEquals(0, cli.awaitExit(SOON));
    }
  }

  @Test
  void metricsPrintsALiveLineOnStderrEverySecondWhileTheFeedRuns() throws Exception {
    // 15 ticks at 5 a second keep it open about 3 s: a line every second, some of them counting ticks.
    try (ChildProcess cli = ChildProcess.java(FeedCli.class, "--metrics", "--type", "ticker", "--count", "15")) {
      cli.awaitStderr("\\* open$", SOON);
      cli.awaitStderr("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  \\[metrics] OPEN  reconnects=0  ping=(-|[0-9.]+ms)"
          + "  echo=(-|[0-9.]+ms)  in=[1-9]\\d*/s  out=0/s  outbox=0$", SOON);
      assertEquals(15, cli.remainingStdout(SOON).size(), cli.transcript());
      assertEquals(0, cli.awaitExit(SOON), cli.transcript());
    }
  }

  @Test
  void subscribeConfirmsKnownSymbolsRejectsOthersAndTheTickerCarriesOnlyThose() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    try (ChildProcess cli = ChildProcess.java(FeedCli.class,
        "--subscribe", "ACME,NOPE", "--json", "--type", "ticker", "--count", "3")) {
      cli.awaitStderr("\\* subscribed ACME$", SOON);
      cli.awaitStderr("\\* subscription to NOPE rejected: unknown symbol$", SOON);
      List<String> lines = cli.remainingStdout(SOON);
      assertEquals(3, lines.size(), cli.transcript());
      for (String line : lines) {
        assertEquals("ACME", mapper.readTree(line).path("content").path("symbol").asText(), line);
      }
      assertEquals(0, cli.awaitExit(SOON));
    }
  }

  @Test
  void jsonPrintsOneWireEnvelopePerLine() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    try (ChildProcess cli = ChildProcess.java(FeedCli.class, "--json", "--type", "ticker", "--count", "3")) {
      List<String> lines = cli.remainingStdout(SOON);
      assertEquals(3, lines.size(), cli.transcript());
      for (String line : lines) {
        JsonNode envelope = mapper.readTree(line);
        for (String field : new String[] {"id", "type", "sender", "receiver", "content", "timestamp", "meta"}) {
          assertTrue(envelope.has(field), field + " in " + line);
        }
        assertEquals("ticker", envelope.get("type").asText());
        assertTrue(envelope.get("timestamp").asLong() > 1_600_000_000_000L, line);
        assertTrue(envelope.get("content").get("price").isNumber(), line);
      }
      assertEquals(0, cli.awaitExit(SOON));
    }
  }

  @Test
  void messageLinesShowTheLocalReceiveTimeLikeTheStateLines() throws Exception {
    OkHttpClient client = new OkHttpClient();
    try (DemoFeedServer server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0));
        ChildProcess cli = ChildProcess.java(FeedCli.class, server.url("/"))) {
      LocalTime open = LocalTime.parse(cli.awaitStderr("^(\\S+)  \\* open$", SOON).group(1));
      cli.awaitStdout("  system\\s+demo-feed\\s+\\{\"event\":\"welcome\"", SOON); // the server knows us now
      // A chat line stamped by a sender whose clock says 1970: feed-cli must not print that time.
      WebSocket chat = client.newWebSocket(new Request.Builder().url(server.url("/chat")).build(), new WebSocketListener() {});
      chat.send("{\"id\":\"t-1\",\"type\":\"text\",\"sender\":\"skewed\",\"content\":\"hi\",\"timestamp\":1000}");
      LocalTime printed = LocalTime.parse(cli.awaitStdout("^(\\S+)  text\\s+skewed\\s+\"hi\"$", SOON).group(1));
      LocalTime now = LocalTime.now();
      assertFalse(printed.isBefore(open), "printed at " + printed + ", before '* open' at " + open);
      assertFalse(printed.isAfter(now), "printed at " + printed + ", after " + now);
      chat.close(1000, null);
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Test
  void chaosDropsAreFollowedByReconnectAndTheFeedResumes() throws Exception {
    try (ChildProcess cli = ChildProcess.java(FeedCli.class, "--chaos", "--type", "ticker", "--max-backoff", "0.5")) {
      cli.awaitStderr("\\* open$", SOON);
      cli.awaitStdout(TICKER_LINE, SOON);
      cli.awaitStderr("\\* reconnecting in \\d+\\.\\d s \\(attempt 1\\)", SOON);
      cli.awaitStderr("\\* open$", SOON);
      cli.awaitStdout(TICKER_LINE, SOON);
      cli.terminate();
      cli.awaitStderr("\\* closed: 1000", SOON);
    }
  }

  /**
   * 75 ticks at 5 a second span 15 s, while chaos (first drop 3-6 s after the start, then every
   * 3-6 s) drops the connection at least twice: the ticks' numbers must still run without a gap.
   */
  @Test
  void chaosLosesNoTickAcrossDrops() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    try (ChildProcess cli =
        ChildProcess.java(FeedCli.class, "--chaos", "--json", "--type", "ticker", "--count", "75", "--max-backoff", "0.5")) {
      cli.awaitStderr("\\* demo feed server on .*resum", SOON);
      List<String> lines = cli.remainingStdout(Duration.ofSeconds(40));
      assertEquals(0, cli.awaitExit(SOON), cli.transcript());
      // Chaos resets the TCP connections (SO_LINGER 0).
      cli.awaitStderr("\\* reconnecting in .*: connection reset by the server \\(SocketException: Connection reset\\)$", SOON);
      cli.awaitStderr("\\* reconnecting in .*: connection reset by the server \\(SocketException: Connection reset\\)$", SOON);
      assertEquals(75, lines.size(), cli.transcript());
      long first = mapper.readTree(lines.get(0)).get("meta").get("seq").asLong();
      for (int i = 0; i < lines.size(); i++) {
        assertEquals(first + i, mapper.readTree(lines.get(i)).get("meta").get("seq").asLong(),
            "tick " + i + " (no gap, no repeat):\n" + cli.transcript());
      }
    }
  }

  @Test
  void aKilledServerReadsAsClosedWithoutACloseFrame() throws Exception {
    try (ChildProcess server = ChildProcess.java(DemoFeedServer.class, "--port", "0", "--ticker-ms", "100")) {
      String port = server.awaitStdout("listening on ws://127\\.0\\.0\\.1:(\\d+)/", SOON).group(1);
      try (ChildProcess cli =
          ChildProcess.java(FeedCli.class, "ws://127.0.0.1:" + port + "/", "--max-backoff", "0.2", "--max-attempts", "1")) {
        cli.awaitStdout("  ticker ", SOON);
        server.kill(); // SIGKILL: the kernel closes its sockets (FIN), no close frame
        cli.awaitStderr("\\* reconnecting in .*: server closed the connection without a close frame \\(EOFException\\)$", SOON);
        assertEquals(4, cli.awaitExit(SOON), cli.transcript());
        assertFalse(cli.transcript().contains("EOFException: null"), cli.transcript());
      }
    }
  }

  @Test
  void rejectedTokenExitsWithStatus3AndTheTokenIsNeverPrinted() throws Exception {
    String token = "tok-3f9a1c";
    try (DemoFeedServer server = DemoFeedServer.start(new DemoFeedServerOptions().requiredToken("right-token"));
        ChildProcess cli = ChildProcess.java(FeedCli.class, server.url("/"), "--token", token, "--verbose")) {
      cli.awaitStderr("^feed-cli: credentials rejected", SOON);
      assertEquals(3, cli.awaitExit(SOON));
      assertFalse(cli.transcript().contains(token), cli.transcript());
    }
  }

  @Test
  void acceptedTokenConnectsAndTheTokenIsNeverPrinted() throws Exception {
    String token = "tok-7e21bd";
    try (DemoFeedServer server = DemoFeedServer.start(new DemoFeedServerOptions().requiredToken(token));
        ChildProcess cli =
            ChildProcess.java(FeedCli.class, server.url("/"), "--token", token, "--verbose", "--type", "ticker", "--count", "2")) {
      assertEquals(2, cli.remainingStdout(SOON).size(), cli.transcript());
      assertEquals(0, cli.awaitExit(SOON));
      assertFalse(cli.transcript().contains(token), cli.transcript());
    }
  }

  @Test
  void exhaustedReconnectAttemptsExitWithStatus4() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort(); // nothing listens there once closed
    }
    try (ChildProcess cli =
        ChildProcess.java(FeedCli.class, "ws://127.0.0.1:" + closedPort + "/", "--max-attempts", "2", "--max-backoff", "0.2")) {
      cli.awaitStderr("\\* reconnecting in .* \\(attempt 1\\)", SOON);
      cli.awaitStderr("^feed-cli: reconnect attempts exhausted: ", SOON);
      assertEquals(4, cli.awaitExit(SOON));
    }
  }

  @Test
  void nodeTickerFeedExitsAfterCount() throws Exception {
    try (NodeWsServer node = NodeWsServer.start();
        ChildProcess cli = ChildProcess.java(FeedCli.class, node.url("/ticker?interval=50"), "--count", "4")) {
      List<String> lines = cli.remainingStdout(SOON);
      assertEquals(4, lines.size(), cli.transcript());
      for (String line : lines) {
        assertTrue(line.matches("^\\S+  ticker\\s+node-ws\\s+\\{\"symbol\":.*}$"), line);
      }
      assertEquals(0, cli.awaitExit(SOON));
    }
  }

  @Test
  void sendGoesOutOnceOpenAndComesBackFromTheNodeEchoServer() throws Exception {
    try (NodeWsServer node = NodeWsServer.start();
        ChildProcess cli = ChildProcess.java(FeedCli.class, node.url("/echo"), "--send", "hello node", "--count", "1")) {
      cli.awaitStdout("^\\S+  text\\s+feed-cli\\s+\"hello node\"$", SOON);
      assertEquals(0, cli.awaitExit(SOON));
    }
  }

  @Test
  void rawPrintsTheFrameAsReceived() throws Exception {
    try (NodeWsServer node = NodeWsServer.start();
        ChildProcess cli =
            ChildProcess.java(FeedCli.class, node.url("/echo"), "--raw", "--type", "text", "--send", "raw?", "--count", "1")) {
      String frame = cli.awaitStdout("^\\{.*}$", SOON).group();
      JsonNode envelope = new ObjectMapper().readTree(frame);
      assertEquals("text", envelope.get("type").asText(), frame);
      assertEquals("raw?", envelope.get("content").asText(), frame);
      assertEquals(0, cli.awaitExit(SOON));
    }
  }

  @Test
  void nodeServerDropIsFollowedByReconnectAndTheFeedResumes() throws Exception {
    try (NodeWsServer node = NodeWsServer.start();
        ChildProcess cli = ChildProcess.java(FeedCli.class, node.url("/ticker?interval=100"), "--max-backoff", "0.5")) {
      cli.awaitStderr("\\* open$", SOON);
      cli.awaitStdout("  ticker ", SOON);
      node.dropAll();
      cli.awaitStderr("\\* reconnecting in \\d+\\.\\d s \\(attempt 1\\)", SOON);
      cli.awaitStderr("\\* open$", SOON);
      node.awaitLog("connected mode=ticker", SOON);
      cli.awaitStdout("  ticker ", SOON);
    }
  }

  @Test
  void terminationClosesGracefullyWithACloseHandshake() throws Exception {
    try (NodeWsServer node = NodeWsServer.start();
        ChildProcess cli = ChildProcess.java(FeedCli.class, node.url("/ticker?interval=100"))) {
      cli.awaitStdout("  ticker ", SOON);
      cli.terminate(); // SIGTERM runs the shutdown hook, as Ctrl-C does
      cli.awaitStderr("\\* closed: 1000", SOON);
      node.awaitLog("disconnected mode=ticker code=1000", SOON);
      cli.awaitExit(SOON);
    }
  }
}
