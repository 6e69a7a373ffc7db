package dev.steadysocket.samples;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.samples.support.Examples;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Acknowledged sends against a de-duplicating server: every send completes when the server has
 * acknowledged it, and what was not acknowledged before a connection dropped is sent again on the
 * next one. The server handles each id once, so a message sent twice is still acted on once.
 *
 * <p>Midway it asks the demo server to cut the connection. The server obeys at once, so the ack of
 * that very request is lost and the client sends it again after the reconnect; the server
 * acknowledges the repeat without obeying it a second time: one drop, not a loop of them.
 *
 * <pre>java -cp samples/target/feed-cli.jar dev.steadysocket.samples.AcknowledgedSends [URL]</pre>
 */
public final class AcknowledgedSends {
  public static void main(String[] args) {
    Examples.run(AcknowledgedSends.class, args, AcknowledgedSends::run);
  }

  static void run(String url) throws Exception {
    AtomicInteger connectionsLost = new AtomicInteger();
    SteadySocket socket = SteadySocket.builder(url)
        .acknowledgedSends(true) // futures complete on the server's ack; unacked sends go again
        .listener(new SteadySocketListener() {
          @Override
          public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
            connectionsLost.incrementAndGet();
            System.out.println("connection lost, reconnecting in " + delay.toMillis() + " ms");
          }
        })
        .build();
    socket.connect();

    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int n = 1; n <= 6; n++) {
      if (n == 4) {
        // The demo server's command to cut every connection. Its id makes it idempotent too.
        acks.add(send(socket, Envelope.builder("system").id("drop-1").content(Map.of("command", "drop")).build()));
      }
      // A stable id per order: the server de-duplicates by id, so a re-sent order counts once.
      acks.add(send(socket, Envelope.builder("order").id("order-" + n).content(Map.of("item", n)).build()));
    }
    CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

    System.out.println("all acknowledged; connections lost: " + connectionsLost.get()
        + ", messages sent again after a reconnect: " + socket.metrics().messagesResent());
    socket.close();
    socket.closeFuture().get(10, TimeUnit.SECONDS);
  }

  private static CompletableFuture<Void> send(SteadySocket socket, Envelope envelope) {
    return socket.send(envelope).whenComplete((ok, error) ->
        System.out.println(envelope.id() + (error == null ? " acknowledged" : " failed: " + error)));
  }
}
