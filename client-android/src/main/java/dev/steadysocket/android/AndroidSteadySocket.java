package dev.steadysocket.android;

import android.app.Activity;
import android.content.Context;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Entry point for Android: a builder whose callbacks run on the main thread, and attachments that
 * steer a socket by the device's network, the app's lifecycle (or one screen's), Doze and the
 * other power restrictions.
 *
 * <pre>{@code
 * SteadySocket socket = AndroidSteadySocket.builder("wss://example.com/feed")
 *     .listener(listener)          // called on the main thread
 *     .build();
 * SocketAttachment attachment = AndroidSteadySocket.attach(
 *     context, socket, BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(30)));
 * socket.connect();
 * ...
 * attachment.close();
 * socket.close();
 * }</pre>
 *
 * <p><b>Threading:</b> every method may be called on any thread; the attachments do their work on
 * the main thread. Not instantiable.
 */
public final class AndroidSteadySocket {
  private AndroidSteadySocket() {}

  /**
   * A core builder whose callback executor is the main thread ({@link MainThreadExecutor}):
   * listener callbacks and typed handlers then run on the main thread and may touch views.
   * Everything else can be configured as on the JVM.
   *
   * <p>Futures are not all callbacks: a {@code send} future that completes later completes on the
   * main thread, but one written (or refused) at once is returned already completed, and stages
   * chained onto it run on the calling thread. From a thread other than main, use {@code
   * thenAcceptAsync(action, MainThreadExecutor.get())} to touch views.
   *
   * @param url a {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URL, as for
   *     {@link SteadySocket#builder(String)}
   * @return a new builder whose callback executor is {@link MainThreadExecutor#get()}
   * @throws IllegalArgumentException on a malformed URL
   */
  public static SteadySocketBuilder builder(String url) {
    return SteadySocket.builder(url).callbackExecutor(MainThreadExecutor.get());
  }

  /**
   * {@link #attach(Context, SteadySocket, AttachOptions)} with the default options and {@code
   * policy} for the background.
   *
   * @param context any context of the app; only its application context is kept
   * @param socket the socket to steer, in any state; it is not connected or closed by this
   * @param policy what the socket does while the app is in the background
   * @return the attachment; {@link SocketAttachment#close()} it to detach
   * @throws SecurityException if the app lacks {@code android.permission.ACCESS_NETWORK_STATE}
   * @throws IllegalStateException if {@code socket} is attached already
   * @throws IllegalArgumentException if {@code context.getApplicationContext()} is not an {@code
   *     Application}
   * @throws UnsupportedOperationException on a device below API 26
   */
  public static SocketAttachment attach(Context context, SteadySocket socket, BackgroundPolicy policy) {
    Objects.requireNonNull(policy, "policy == null");
    return attach(context, socket, AttachOptions.defaults().withBackground(policy));
  }

  /**
   * Steers {@code socket} by the device's signals until the returned attachment is closed or the
   * socket closes. Best called from {@code Application.onCreate}; any thread will do (off the
   * main thread the attachment starts on it shortly after this returns).
   *
   * <p>It acts at once: with no usable network the socket is paused ({@link PauseReason#OFFLINE}),
   * blocked by the platform ({@link PauseReason#BLOCKED}, {@link PauseReason#DOZE}), and with {@link
   * BackgroundPolicy#disconnectInBackground} an app not in the foreground is paused ({@link
   * PauseReason#BACKGROUND}) once the grace has passed. Returning to the foreground skips the
   * client's backoff (never a delay the server imposed) and checks an open socket's liveness.
   *
   * @param context any context of the app; only its application context is kept
   * @param socket the socket to steer, in any state; it is not connected or closed by this
   * @param options what the attachment does; {@link AttachOptions#defaults()} to start with
   * @return the attachment; {@link SocketAttachment#close()} it to detach
   * @throws SecurityException if the app lacks {@code android.permission.ACCESS_NETWORK_STATE}
   * @throws IllegalStateException if {@code socket} is attached already
   * @throws IllegalArgumentException if {@code context.getApplicationContext()} is not an {@code
   *     Application}
   * @throws UnsupportedOperationException on a device below API 26
   */
  public static SocketAttachment attach(Context context, SteadySocket socket, AttachOptions options) {
    Objects.requireNonNull(socket, "socket == null");
    return SocketAttachment.attach(context, hooksOf(socket), options, null);
  }

  /**
   * Connects {@code socket} only while {@code activity} is started: a screen that shows a live
   * feed. Holds {@link PauseReason#SCREEN} while the activity is not started (a rotation is not a
   * stop: the attachment follows the recreated activity), plus the network and power reasons of
   * {@link AttachOptions#defaults()}. Call it from {@code onCreate}; an activity started already
   * is recognised at its next onResume or onPause. Called again with the same socket for another
   * instance of the same activity class (the recreated one after a rotation, holding a retained
   * socket), it returns the existing attachment, which now follows that instance. When the activity
   * finishes, the socket stays paused: close the socket (and with it the attachment), e.g. in
   * {@code onDestroy} when {@code isFinishing()}. Keeps the activity weakly.
   *
   * @param activity the screen whose visibility the connection follows
   * @param socket the socket to steer; not connected or closed by this
   * @return the attachment (the existing one, for a screen of the same class)
   * @throws SecurityException if the app lacks {@code android.permission.ACCESS_NETWORK_STATE}
   * @throws IllegalStateException if {@code socket} is attached already, other than to a screen of
   *     {@code activity}'s class
   * @throws UnsupportedOperationException on a device below API 26
   */
  public static SocketAttachment attachToScreen(Activity activity, SteadySocket socket) {
    Objects.requireNonNull(activity, "activity == null");
    Objects.requireNonNull(socket, "socket == null");
    return SocketAttachment.attach(activity, hooksOf(socket), AttachOptions.defaults(), activity);
  }

  private static SocketControl hooksOf(SteadySocket socket) {
    return new SocketControl() {
      /** The socket's own heartbeat while the background one is in use, and that one. Main thread only. */
      private @Nullable Heartbeat saved, background;

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

      @Override
      public void checkLiveness(Duration timeout) {
        socket.checkLiveness(timeout);
      }

      @Override
      public void backgroundHeartbeat(Heartbeat heartbeat) {
        if (saved == null) saved = socket.heartbeat();
        background = heartbeat;
        socket.heartbeat(heartbeat);
      }

      /** Restores the saved heartbeat, unless the app set one of its own meanwhile. */
      @Override
      public void foregroundHeartbeat() {
        Heartbeat own = saved;
        saved = null;
        if (own != null && socket.heartbeat() == background) socket.heartbeat(own);
      }
    };
  }
}
