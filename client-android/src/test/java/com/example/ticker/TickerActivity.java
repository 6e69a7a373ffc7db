package com.example.ticker;

import android.app.Activity;
import android.os.Bundle;
import android.widget.LinearLayout;
import android.widget.TextView;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.android.AndroidSteadySocket;
import java.time.Duration;
import java.util.Locale;

/**
 * The Android snippet, compiled and run (TickerActivitySnippetTest): a screen that shows a live
 * ticker while it is visible. Callbacks run on the main thread, so they set views directly; the
 * attachment connects only while the screen is started and the device online, skips the backoff
 * when the network returns and checks the link when the user comes back.
 *
 * <p>The views are the layout's two TextViews, status then price. In an app: declare the activity, and the {@code INTERNET} and {@code ACCESS_NETWORK_STATE}
 * permissions, in {@code AndroidManifest.xml}. Uses only public API (its package is not the SDK's).
 */
public class TickerActivity extends Activity {
  /** Where the feed is; an intent extra {@code url} overrides it. */
  static final String FEED_URL = "wss://feed.example.com/v1";

  /** A ticker envelope's content, converted by Jackson: {@code {"symbol":"ACME","price":158.55}}. */
  public static final class Tick {
    public String symbol;
    public double price;
  }

  private SteadySocket socket;
  private TextView status;
  private TextView price;

  @Override
  protected void onCreate(Bundle savedInstanceState) {
    super.onCreate(savedInstanceState);
    status = new TextView(this);
    price = new TextView(this);
    LinearLayout layout = new LinearLayout(this);
    layout.setOrientation(LinearLayout.VERTICAL);
    layout.addView(status);
    layout.addView(price);
    setContentView(layout);

    String url = getIntent().hasExtra("url") ? getIntent().getStringExtra("url") : FEED_URL;
    socket = AndroidSteadySocket.builder(url) // every callback on the main thread
        .on("ticker", Tick.class, tick -> price.setText(String.format(Locale.ROOT, "%s %.2f", tick.symbol, tick.price)))
        .listener(new SteadySocketListener() {
          @Override
          public void onStateChanged(ConnectionState from, ConnectionState to) {
            status.setText(to.name().toLowerCase(Locale.ROOT));
          }

          @Override
          public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
            status.setText("reconnecting in " + Math.max(1, delay.getSeconds()) + " s");
          }
        })
        .build();
    AndroidSteadySocket.attachToScreen(this, socket); // connected only while this screen is started
    socket.connect();
  }

  @Override
  protected void onDestroy() {
    socket.close(); // closes the attachment too
    super.onDestroy();
  }
}
