package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.ServerPeer;
import dev.steadysocket.testsupport.ChildProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** A JVM whose sockets are all closed exits on its own: nothing we start keeps it alive. */
class JvmExitTest {

  /** Runs in a child JVM: connect, exchange a message, close, return from main. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      java.util.concurrent.CompletableFuture<Void> opened = new java.util.concurrent.CompletableFuture<>();
      SteadySocket socket =
          SteadySocket.builder(args[0])
              .listener(new SteadySocketListener() {
                @Override
                public void onStateChanged(ConnectionState previous, ConnectionState current) {
                  if (current == ConnectionState.OPEN) opened.complete(null);
                }
              })
              .build();
      socket.connect();
      opened.get(10, TimeUnit.SECONDS);
      socket.send(Envelope.of("bye", null)).get(10, TimeUnit.SECONDS);
      socket.close();
      socket.closeFuture().get(10, TimeUnit.SECONDS);
      System.out.println("PROBE CLOSED");
      // main returns here; the JVM must exit without System.exit
    }
  }

  @Test
  void jvmExitsAfterTheLastSocketCloses() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      ServerPeer peer = new ServerPeer(false);
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return peer.upgrade();
        }
      });
      server.start();
      try (ChildProcess p = ChildProcess.java(Probe.class, server.url("/").toString())) {
        boolean exited = p.waitFor(Duration.ofSeconds(30));
        assertTrue(exited, "child JVM still running 30 s after its socket closed:\n" + p.transcript());
        assertEquals(0, p.exitValue(), p.transcript());
        assertTrue(p.transcript().contains("PROBE CLOSED"), p.transcript());
      }
    }
  }
}
