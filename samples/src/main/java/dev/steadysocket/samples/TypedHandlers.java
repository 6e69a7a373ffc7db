package dev.steadysocket.samples;

import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.Subscription;
import dev.steadysocket.samples.support.Examples;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Typed handlers: each message type's content arrives as your own class, converted with Jackson.
 * Prints the welcome and five ticks as records, then ends.
 *
 * <pre>java -cp samples/target/feed-cli.jar dev.steadysocket.samples.TypedHandlers [URL]</pre>
 */
public final class TypedHandlers {
  /** A ticker envelope's content: {@code {"symbol":"ACME","price":158.55,"change":0.03}}. */
  record Tick(String symbol, double price, double change) {}

  /** What the demo server sends each new connection; fields it adds later are ignored. */
  record Welcome(String event, int online) {}

  public static void main(String[] args) {
    Examples.run(TypedHandlers.class, args, TypedHandlers::run);
  }

  static void run(String url) throws Exception {
    CountDownLatch fiveTicks = new CountDownLatch(5);

    SteadySocket socket = SteadySocket.builder(url)
        // On the builder: in place before the first message can arrive.
        .on("system", Welcome.class, welcome -> System.out.println("welcome: " + welcome))
        .listener(new SteadySocketListener() {
          @Override
          public void onError(SteadySocketException error) {
            // Content that does not convert (a DecodeException) or a handler that throws (a
            // ListenerException) comes here; the socket carries on.
            System.out.println("error: " + error);
          }
        })
        .build();

    // On the socket, at any time; the subscription removes the handler again.
    Subscription ticks = socket.on("ticker", Tick.class, tick -> {
      if (fiveTicks.getCount() > 0) {
        System.out.printf("tick: %s at %.2f (%+.2f)%n", tick.symbol(), tick.price(), tick.change());
        fiveTicks.countDown();
      }
    });

    socket.connect();
    if (!fiveTicks.await(10, TimeUnit.SECONDS)) {
      System.out.println("fewer than five ticks within 10 s");
    }
    ticks.cancel(); // no further deliveries; one already running finishes
    socket.close();
    socket.closeFuture().get(10, TimeUnit.SECONDS);
    System.out.println("closed");
  }
}
