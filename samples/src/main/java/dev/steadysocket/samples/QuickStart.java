package dev.steadysocket.samples;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.samples.support.Examples;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Quick start: connect, send a message, print what arrives, close. Prints the demo server's
 * confirmation, three ACME ticks and the state changes, then ends.
 *
 * <pre>java -cp samples/target/feed-cli.jar dev.steadysocket.samples.QuickStart [URL]</pre>
 */
public final class QuickStart {
  public static void main(String[] args) {
    Examples.run(QuickStart.class, args, QuickStart::run);
  }

  static void run(String url) throws Exception {
    CountDownLatch threeTicks = new CountDownLatch(3);

    SteadySocket socket = SteadySocket.builder(url)
        .listener(new SteadySocketListener() {
          // Every callback runs on one SteadySocket thread, in order: no locking needed here.
          @Override
          public void onStateChanged(ConnectionState from, ConnectionState to) {
            System.out.println("state: " + from + " -> " + to);
          }

          @Override
          public void onMessage(Envelope message) {
            if (!message.type().equals("ticker")) {
              System.out.println(message.type() + ": " + message.content());
            } else if (threeTicks.getCount() > 0) {
              System.out.println("ticker: " + message.content());
              threeTicks.countDown();
            }
          }

          @Override
          public void onError(SteadySocketException error) {
            System.out.println("error: " + error); // reconnects happen by themselves
          }
        })
        .build();

    socket.connect();
    // Sent once the connection is open: until then it waits in the outbox.
    socket.send(Envelope.of("subscribe", Map.of("symbol", "ACME")));

    if (!threeTicks.await(10, TimeUnit.SECONDS)) {
      System.out.println("fewer than three ticks within 10 s");
    }
    socket.close(); // graceful: a close frame, then CLOSED; the socket cannot be reused
    CloseReason closed = socket.closeFuture().get(10, TimeUnit.SECONDS);
    System.out.println("closed with code " + closed.code());
  }
}
