package dev.steadysocket.android;

import dev.steadysocket.SteadySocketBuilder;
import android.content.Context;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.util.Objects;

/**
 * Entry point for Android: a builder whose callbacks run on the main thread, and the attachment
 * that feeds a socket the device's network, app-lifecycle and Doze signals.
 *
 * <pre>{@code
 * SteadySocket socket = AndroidSteadySocket.builder("wss://example.com/feed")
 *     .listener(listener)          // called on the main thread
 *     .build();
 * SocketAttachment attachment = AndroidSteadySocket.attach(
 *     context, socket, BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(30)));
 * socket.connect();
 * ...
 * attachment.close();              // main thread
 * socket.close();
 * }</pre>
 *
 * <p><b>Threading:</b> {@link #builder} may be called on any thread; {@link #attach} only on the
 * main thread. Not instantiable.
 */
public final class AndroidSteadySocket {
  private AndroidSteadySocket() {}

  /**
   * A core builder whose listener callbacks run on the main thread ({@link MainThreadExecutor}).
   * Everything else can be configured as on the JVM.
   *
   * @param url a {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URL, as for
   *     {@link SteadySocket#builder(String)}
   * @return a new builder whose callback executor is {@link MainThreadExecutor#get()}; listeners,
   *     typed handlers and send-future completions then run on the main thread
   * @throws IllegalArgumentException on a malformed URL
   */
  public static SteadySocketBuilder builder(String url) {
    return SteadySocket.builder(url).callbackExecutor(MainThreadExecutor.get());
  }

  /**
   * Feeds {@code socket} the device's network, app-lifecycle and Doze signals until the returned
   * attachment is closed or the socket closes (then the attachment detaches itself on the main
   * thread). Call on the main thread, best from {@code Application.onCreate} or an Activity; it
   * keeps only the application context.
   *
   * <p>A socket has at most one attachment: the pause reasons "offline", "blocked", "background"
   * and "doze" belong to it. Attaching a socket that is attached already fails; close the first
   * attachment to attach it again (with another policy, say).
   *
   * <p>It acts at once: with no network the socket is paused ("offline"), in Doze it is paused
   * ("doze"), and with {@link BackgroundPolicy#disconnectInBackground} an app not in the
   * foreground is paused ("background") after the grace period.
   *
   * @param context any context of the app; only its application context is kept
   * @param socket the socket to steer, in any state; it is not connected or closed by this
   * @param policy what the socket does while the app is in the background
   * @return the attachment; {@link SocketAttachment#close()} it (on the main thread) to detach
   * @throws SecurityException if the app lacks {@code android.permission.ACCESS_NETWORK_STATE}
   * @throws IllegalStateException if not called on the main thread, or if {@code socket} is
   *     attached already
   * @throws IllegalArgumentException if {@code context.getApplicationContext()} is not an {@code
   *     Application}
   */
  public static SocketAttachment attach(
      Context context, SteadySocket socket, BackgroundPolicy policy) {
    Objects.requireNonNull(socket, "socket == null");
    return SocketAttachment.attach(context, hooksOf(socket), policy);
  }

  private static SocketControl hooksOf(SteadySocket socket) {
    return new SocketControl() {
      @Override
      public Object socket() {
        return socket;
      }

      /**
       * A listener that implements only {@code onClosed}. The socket sets its state to CLOSED
       * before it queues onClosed, so either the state read after adding the listener is CLOSED
       * or the listener is in place in time to get onClosed.
       */
      @Override
      public Runnable whenClosed(Runnable onClosed) {
        SteadySocketListener listener =
            new SteadySocketListener() {
              @Override
              public void onClosed(CloseReason reason) {
                onClosed.run();
              }
            };
        socket.addListener(listener);
        if (socket.state() == ConnectionState.CLOSED) onClosed.run();
        return () -> socket.removeListener(listener);
      }

      @Override
      public void reconnectNow() {
        socket.reconnectNow();
      }

      @Override
      public void replaceConnection() {
        socket.replaceConnection();
      }

      @Override
      public void pause(String reason) {
        socket.pause(reason);
      }

      @Override
      public void resume(String reason) {
        socket.resume(reason);
      }
    };
  }
}
