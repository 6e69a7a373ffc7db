package dev.steadysocket.testing;

import dev.steadysocket.internal.Transport;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.Request;

/**
 * The network between sockets wired to an in-memory {@link FakeServer} and that server: each
 * connection attempt becomes a {@link MemoryLink}, answered by the server on the {@link TestClock}
 * as MockWebServer would answer a real handshake (101, a status with Retry-After, or a refused
 * TCP connection). Thread-safe; attempts may start on any thread.
 */
final class MemoryNetwork implements Transport.Factory {
  private static final String SUBPROTOCOL = "Sec-WebSocket-Protocol";

  private final FakeServer server;
  private final TestClock clock;

  MemoryNetwork(FakeServer server, TestClock clock) {
    this.server = server;
    this.clock = clock;
  }

  @Override
  public Transport connect(boolean refreshToken, Map<String, String> headers, Transport.Listener listener) {
    throw new IllegalStateException("the socket asks forRequest first");
  }

  @Override
  public Transport.Factory forRequest(Request handshake, long maxInboundMessageBytes) {
    return (refreshToken, headers, listener) -> connect(handshake, maxInboundMessageBytes, headers, listener);
  }

  /** Starts an attempt: the handshake reaches the server as a task at the current instant. */
  private Transport connect(Request configured, long maxInbound, Map<String, String> extra, Transport.Listener listener) {
    Request.Builder b = configured.newBuilder();
    for (Map.Entry<String, String> h : extra.entrySet()) {
      String offered = configured.header(SUBPROTOCOL);
      if (h.getKey().equalsIgnoreCase(SUBPROTOCOL) && offered != null) {
        b.header(SUBPROTOCOL, offered + ", " + h.getValue()); // a token offered beside the subprotocols
      } else {
        b.header(h.getKey(), h.getValue());
      }
    }
    Request request = b.build();
    MemoryLink link = new MemoryLink(clock, request, maxInbound, listener);
    clock.executor().execute(() -> {
      if (link.cancelled()) return; // the socket gave up (connect timeout, close) before the server answered
      Map<String, String> headers = new LinkedHashMap<>();
      for (String name : request.headers().names()) headers.put(name, String.join(", ", request.headers(name)));
      String path = request.url().encodedPath() + (request.url().encodedQuery() == null ? "" : "?" + request.url().encodedQuery());
      ServerState.Answer answer = server.answer(path, headers, link);
      if (answer.refused) {
        listener.onFailure(new ConnectException("Failed to connect to " + request.url().host() + ": Connection refused"), -1, null);
      } else if (answer.connection == null) {
        listener.onFailure(new ProtocolException("Expected HTTP 101 response but was '" + answer.status + "'"),
            answer.status, answer.retryAfter);
      } else {
        link.open(answer.connection.listener(), answer.subprotocol);
      }
    });
    return link.client;
  }
}
