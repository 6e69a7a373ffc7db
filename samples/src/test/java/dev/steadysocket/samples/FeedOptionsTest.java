package dev.steadysocket.samples;

import dev.steadysocket.samples.support.UsageException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedOptionsTest {
  @Test
  void defaults() throws Exception {
    FeedOptions o = FeedOptions.parse(new String[0]);
    assertNull(o.url);
    assertNull(o.heartbeat);
    assertNull(o.maxBackoff);
    assertEquals(0, o.count);
    assertTrue(o.accepts("anything"));
  }

  @Test
  void everyOption() throws Exception {
    FeedOptions o =
        FeedOptions.parse(new String[] {
          "wss://feed.example/v1", "--header", "X-Team: blue", "-H", "X-Trace:1:2", "--token", "t0k",
          "--send", "hi", "--type", "ticker,text", "--type", "news", "--count", "7", "--heartbeat", "2.5",
          "--max-backoff=10", "--max-attempts", "3", "--json", "--pretty", "--verbose"
        });
    assertEquals("wss://feed.example/v1", o.url);
    assertEquals(2, o.headers.size());
    assertArrayEquals(new String[] {"X-Team", "blue"}, o.headers.get(0));
    assertArrayEquals(new String[] {"X-Trace", "1:2"}, o.headers.get(1));
    assertEquals("t0k", o.token);
    assertEquals("hi", o.sendText);
    assertEquals(Set.of("ticker", "text", "news"), o.types);
    assertEquals(7, o.count);
    assertEquals(Duration.ofMillis(2500), o.heartbeat);
    assertEquals(Duration.ofSeconds(10), o.maxBackoff);
    assertEquals(3, o.maxAttempts);
    assertTrue(o.json && o.pretty && o.verbose);
  }

  @Test
  void deliveryGuaranteeOptions() throws Exception {
    FeedOptions o =
        FeedOptions.parse(new String[] {
          "ws://127.0.0.1:1/", "--failover", "ws://127.0.0.1:2/", "--failover=ws://127.0.0.1:3/", "--resume", "--ack"
        });
    assertEquals(List.of("ws://127.0.0.1:2/", "ws://127.0.0.1:3/"), o.failoverUrls);
    assertTrue(o.resume && o.ack);
    UsageException e =
        assertThrows(UsageException.class, () -> FeedOptions.parse(new String[] {"--failover", "ws://127.0.0.1:2/"}));
    assertTrue(e.getMessage().contains("primary URL"), e.getMessage());
  }

  @Test
  void subscribeIsRepeatableAndCommaSeparatedWithoutRepeats() throws Exception {
    FeedOptions o = FeedOptions.parse(new String[] {"--subscribe", "ACME, GLOBX", "--subscribe", "ACME", "--subscribe", "WAYNE"});
    assertEquals(java.util.List.of("ACME", "GLOBX", "WAYNE"), o.subscribe);
    assertTrue(FeedOptions.parse(new String[0]).subscribe.isEmpty());
  }

  @Test
  void chaosImpliesResume() throws Exception {
    assertTrue(FeedOptions.parse(new String[] {"--chaos"}).resume);
    assertFalse(FeedOptions.parse(new String[0]).resume);
  }

  @Test
  void heartbeatZeroMeansDisabled() throws Exception {
    assertEquals(Duration.ZERO, FeedOptions.parse(new String[] {"--heartbeat", "0"}).heartbeat);
  }

  @Test
  void sendReadsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("message.txt");
    Files.writeString(file, "from a file\n", StandardCharsets.UTF_8);
    assertEquals("from a file", FeedOptions.parse(new String[] {"--send", "@" + file}).sendText);
  }

  @Test
  void mistakesAreUsageErrorsWithAReason() {
    for (List<String> args :
        List.of(
            List.of("--count"),
            List.of("--count", "0"),
            List.of("--count", "many"),
            List.of("--heartbeat", "-1"),
            List.of("--max-backoff", "0"),
            List.of("--header", "no-colon"),
            List.of("--json", "--raw"),
            List.of("ws://a/", "--chaos"),
            List.of("ws://a/", "ws://b/"),
            List.of("--send", "@/does/not/exist"),
            List.of("--nope"))) {
      UsageException e = assertThrows(UsageException.class, () -> FeedOptions.parse(args.toArray(new String[0])), args.toString());
      assertTrue(!e.getMessage().isEmpty() && !e.getMessage().contains("\n"), e.getMessage());
    }
  }
}
