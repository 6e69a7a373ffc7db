package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server whose {@code Sec-WebSocket-Extensions} answer names what the client did not offer, or
 * what it cannot honour: RFC 6455 4.1 says the client must fail the connection. It fails the
 * attempt before OPEN with a {@link ProtocolViolationException}, and the default policy stops.
 */
// #17 part 3: OkHttp opened such a connection (the application saw OPEN), then closed it with
// 1010 itself, or (an extension it knows) went on with parameters nobody offered.
class ExtensionsAnswerTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "x-webkit-deflate-frame", "permessage-deflate; client_max_window_bits=10",
      "permessage-deflate; server_max_window_bits=16", "permessage-deflate; server_max_window_bits=7",
      "permessage-deflate; unknown_parameter", "permessage-deflate, permessage-deflate",
      "permessage-deflate; server_no_context_takeover=1", "permessage-deflate, x-custom"})
  void anAnswerNotOfferedFailsTheAttemptBeforeOpen(String answer) throws Exception {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    try (HostileServer server = HostileServer.builder("answer").extensionsAnswer(answer).start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/"))
          .heartbeat(Heartbeat.disabled())
          .listener(new SteadySocketListener() {
            @Override public void onStateChanged(ConnectionState previous, ConnectionState current) {
              states.add(current);
            }
          })
          .build();
      try {
        socket.connect();
        CloseReason closed = socket.closeFuture().get(20, TimeUnit.SECONDS);
        assertInstanceOf(ProtocolViolationException.class, closed.error(), "for " + answer + ": " + closed);
        assertFalse(states.contains(ConnectionState.OPEN), "never OPEN: " + states);
        assertEquals(1, server.accepted(), "stopped: no reconnect");
      } finally {
        socket.close();
      }
    }
  }

  @Test
  void theExtensionsHeaderCannotBeSetOnTheBuilder() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SteadySocket.builder("ws://127.0.0.1:1/").header("Sec-WebSocket-Extensions", "permessage-deflate"));
    assertTrue(e.getMessage().contains("compression"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SteadySocket.builder("ws://127.0.0.1:1/").addHeader("sec-websocket-extensions", "x"));
    assertThrows(IllegalArgumentException.class,
        () -> SteadySocket.builder("ws://127.0.0.1:1/").tokenHeader("Sec-WebSocket-Extensions", ""));
  }
}
