package dev.steadysocket.testing;

import dev.steadysocket.testing.server.Timers;
import dev.steadysocket.testing.server.TrackingServerSocketFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.jspecify.annotations.Nullable;

/**
 * A {@link FakeServer} on a real port of 127.0.0.1: MockWebServer answers each handshake as the
 * server decides, and every accepted TCP socket is kept so a connection can be cut below WebSocket
 * (a FIN, or an RST with linger 0). Threads: MockWebServer's, and one timer thread; all stop in
 * {@link #close()}.
 */
final class Loopback {
  private final FakeServer server;
  private final MockWebServer web = new MockWebServer();
  /** Every accepted socket, and which one a request arrived on. */
  private final TrackingServerSocketFactory sockets = new TrackingServerSocketFactory();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "FakeServer timers");
    t.setDaemon(true);
    return t;
  });

  Loopback(FakeServer server) {
    this.server = server;
  }

  Timers timers() {
    return Timers.of(timers);
  }

  void start() {
    web.setServerSocketFactory(sockets);
    web.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(request);
      }
    });
    try {
      web.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the loopback FakeServer", e);
    }
  }

  String url() {
    return "ws://127.0.0.1:" + web.getPort() + "/";
  }

  private MockResponse answer(RecordedRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : request.getHeaders().names()) headers.put(name, String.join(", ", request.getHeaders().values(name)));
    // On the connection's own thread: the socket this thread reads is the one to cut later.
    ServerState.Answer a = server.answer(request.getTarget(), headers, wire(sockets.servedByCurrentThread()));
    if (a.refused) {
      return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build();
    }
    if (a.connection == null) {
      MockResponse.Builder b = new MockResponse.Builder().code(a.status);
      if (a.retryAfter != null) b.addHeader("Retry-After", a.retryAfter);
      return b.build();
    }
    MockResponse.Builder upgrade = new MockResponse.Builder().webSocketUpgrade(a.connection.listener());
    if (a.subprotocol != null) upgrade.addHeader("Sec-WebSocket-Protocol", a.subprotocol);
    return upgrade.build();
  }

  private ServerConnection.Wire wire(@Nullable Socket socket) {
    return new ServerConnection.Wire() {
      @Override
      public void halfOpen() {} // ServerConnection stops reading and sending

      @Override
      public void sever(boolean reset) {
        if (socket == null) return;
        try {
          if (reset) socket.setSoLinger(true, 0);
          socket.close();
        } catch (IOException ignored) {
          // already gone
        }
      }
    };
  }

  void close() {
    timers.shutdownNow();
    web.close();
  }
}
