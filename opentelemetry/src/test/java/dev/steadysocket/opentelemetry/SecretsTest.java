package dev.steadysocket.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.opentelemetry.SteadySocketTracing.ReceiveSpans;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Nothing a URL hides (user info, path, query) and no error message (of any error onError saw) reaches a span. */
@ExtendWith(SteadySocketExtension.class)
class SecretsTest {
  private static final String URL = "wss://alice:hunter2@feed.example.com:8443/v1/private-feed?token=secret&key=k3y";
  /** Every part of {@link #URL} but scheme, host and port; and the server's close reason. */
  private static final List<String> SECRETS =
      List.of("alice", "hunter2", "private-feed", "/v1", "token", "secret", "k3y", "?", "@", "internal detail");

  @Test
  void noSpanNameStatusAttributeEventOrLinkCarriesTheUrlsSecretsOrAnErrorMessage(FakeServer server, TestClock clock) {
    Traces traces = new Traces();
    SocketEvents events = new SocketEvents();
    server.rejectNextHandshakes(1, 503, Duration.ofSeconds(1));
    server.replyTo("quote", request -> 1);
    SteadySocket socket = server.wire(SteadySocket.builder(URL))
        .observer(SteadySocketTracing.builder(traces.sdk, "ticker").receiveSpans(ReceiveSpans.ALL).build())
        .listener(events)
        .build();
    try {
      socket.connect();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(1));
      socket.request(Envelope.of("quote", null), Duration.ofSeconds(5));
      socket.request(Envelope.of("slow", null), Duration.ofSeconds(1));
      server.connection().send("tick", 1);
      clock.advanceBy(Duration.ofSeconds(2));
      server.connection().close(4000, "internal detail");
      clock.runUntilIdle();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(1));
      server.refuseConnections(); // a lost connection, then failed attempts, without an HTTP status or close code
      clock.advanceBy(Duration.ofSeconds(3));
      server.restore();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(1));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();

    List<String> texts = new ArrayList<>();
    for (SpanData s : traces.spans()) {
      texts.add(s.getName());
      texts.add(s.getStatus().getDescription());
      texts.add(s.getResource().getAttributes().toString());
      collect(texts, s.getAttributes());
      for (EventData e : s.getEvents()) {
        texts.add(e.getName());
        collect(texts, e.getAttributes());
      }
      for (LinkData l : s.getLinks()) collect(texts, l.getAttributes());
    }
    assertEquals(3, traces.named("reconnect ticker").size(), traces.names()::toString);
    assertTrue(traces.names().containsAll(List.of("connect ticker", "reconnect ticker", "request ticker", "receive ticker")),
        traces.names()::toString);
    assertEquals(List.of("quote", "slow"), traces.named("request ticker").stream()
        .map(r -> Traces.attr(r, Names.ENVELOPE_TYPE)).sorted().collect(java.util.stream.Collectors.toList()));
    for (String text : texts) {
      for (String secret : SECRETS) {
        assertTrue(!text.contains(secret), () -> "'" + secret + "' in " + text);
      }
    }
    List<String> messages = new ArrayList<>();
    for (Throwable e : events.errors()) {
      for (Throwable c = e; c != null; c = c.getCause()) if (c.getMessage() != null) messages.add(c.getMessage());
    }
    assertTrue(messages.size() >= 3, messages::toString);
    for (String text : texts) {
      for (String message : messages) {
        assertTrue(!text.contains(message), () -> "the error message '" + message + "' in " + text);
      }
    }
    assertEquals("feed.example.com", Traces.attr(traces.named("connect ticker").get(0), Names.SERVER_ADDRESS));
    traces.assertAllEnded();
  }

  private static void collect(List<String> texts, Attributes attributes) {
    attributes.forEach((key, value) -> texts.add(key.getKey() + "=" + value));
  }
}
