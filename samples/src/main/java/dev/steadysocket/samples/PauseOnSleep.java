package dev.steadysocket.samples;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.samples.support.Examples;
import java.awt.Desktop;
import java.awt.desktop.SystemSleepEvent;
import java.awt.desktop.SystemSleepListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Pause/resume on desktop sleep: disconnect cleanly when the machine is about to sleep, make no
 * reconnect attempts while it sleeps, connect at once with a fresh backoff when it wakes. With
 * resumed streams the server replays what was published meanwhile, so the ticks run on without a
 * gap in their {@code meta.seq}.
 *
 * <p>The JDK reports sleep and wake where the platform tells it (macOS); the example plays one
 * short sleep itself so that it runs anywhere and ends by itself.
 *
 * <pre>java -cp samples/target/feed-cli.jar dev.steadysocket.samples.PauseOnSleep [URL]</pre>
 */
public final class PauseOnSleep {
  public static void main(String[] args) {
    Examples.run(PauseOnSleep.class, args, PauseOnSleep::run);
  }

  static void run(String url) throws Exception {
    CountDownLatch ticksBeforeSleep = new CountDownLatch(3);
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch ticksAfterWake = new CountDownLatch(8);

    SteadySocket socket = SteadySocket.builder(url)
        .resumeStreams(true) // on every connection, tell the server the last entry we have…
        .deduplicate(1_000)  // …and drop any entry a replay repeats
        .listener(new SteadySocketListener() {
          @Override
          public void onStateChanged(ConnectionState from, ConnectionState to) {
            System.out.println("state: " + to);
            if (to == ConnectionState.PAUSED) {
              paused.countDown();
            }
          }

          @Override
          public void onMessage(Envelope message) {
            if (message.type().equals("ticker") && ticksAfterWake.getCount() > 0) {
              System.out.println("tick #" + message.meta().get("seq") + " " + message.content().path("symbol").asText());
              (ticksBeforeSleep.getCount() > 0 ? ticksBeforeSleep : ticksAfterWake).countDown();
            }
          }
        })
        .build();

    Runnable goingToSleep = () -> socket.pause("sleep"); // closes with 1001; no attempts until resumed
    Runnable awake = () -> socket.resume("sleep");         // connects at once, backoff starting over
    if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.APP_EVENT_SYSTEM_SLEEP)) {
      Desktop.getDesktop().addAppEventListener(new SystemSleepListener() {
        @Override
        public void systemAboutToSleep(SystemSleepEvent e) {
          goingToSleep.run();
        }

        @Override
        public void systemAwoke(SystemSleepEvent e) {
          awake.run();
        }
      });
    }

    socket.connect();
    ticksBeforeSleep.await(10, TimeUnit.SECONDS);
    System.out.println("-- the machine goes to sleep");
    goingToSleep.run();
    paused.await(10, TimeUnit.SECONDS);
    TimeUnit.SECONDS.sleep(1); // asleep: the feed goes on without us
    System.out.println("-- the machine wakes up");
    awake.run();
    ticksAfterWake.await(10, TimeUnit.SECONDS); // the missed ticks first, then live ones

    socket.close();
    socket.closeFuture().get(10, TimeUnit.SECONDS);
  }
}
