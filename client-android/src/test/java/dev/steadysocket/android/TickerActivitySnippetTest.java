package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.content.Intent;
import android.view.ViewGroup;
import android.widget.LinearLayout;
import android.widget.TextView;
import com.example.ticker.TickerActivity;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;

/** The Android snippet (com.example.ticker.TickerActivity) runs: it shows the ticker, and stops with the screen. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34)
public class TickerActivitySnippetTest {
  private final FakeServer server = FakeServer.loopback();

  @After
  public void tearDown() {
    server.close();
  }

  @Test
  public void showsTheTickerWhileStartedAndDisconnectsWhenStopped() {
    shadowOf(RuntimeEnvironment.getApplication()).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    Intent intent = new Intent(RuntimeEnvironment.getApplication(), TickerActivity.class)
        .putExtra("url", server.url() + "feed");

    ActivityController<TickerActivity> screen = Robolectric.buildActivity(TickerActivity.class, intent).setup();
    TextView status = view(screen, 0);
    TextView price = view(screen, 1);
    // The socket is the activity's own: the server's side is what the test can wait on.
    ServerConnection feed = server
        .await(s -> s.connections().size() == 1, "the activity's connection", Duration.ofMillis(MainLooperAwait.TIMEOUT_MILLIS))
        .connection();
    assertTrue(feed.send("ticker", Map.of("symbol", "ACME", "price", 158.5, "change", 0.03)));
    MainLooperAwait.until("a tick on screen", () -> price.getText().length() > 0);
    assertEquals("ACME 158.50", price.getText().toString());
    assertEquals("open", status.getText().toString());

    screen.pause().stop();
    MainLooperAwait.until("paused with the screen", () -> status.getText().toString().equals("paused"));
    screen.destroy();
    MainLooperAwait.until("closed", () -> status.getText().toString().equals("closed"));
  }

  private static TextView view(ActivityController<TickerActivity> screen, int index) {
    ViewGroup content = screen.get().findViewById(android.R.id.content);
    return (TextView) ((LinearLayout) content.getChildAt(0)).getChildAt(index);
  }
}
