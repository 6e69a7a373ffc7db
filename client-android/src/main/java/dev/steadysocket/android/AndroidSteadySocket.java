package dev.steadysocket.android;

import dev.steadysocket.SteadySocketBuilder;
import android.content.Context;
import dev.steadysocket.SteadySocket;
import java.util.Objects;

/**
 * Entry point for Android:
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
 */
public final class AndroidSteadySocket {
  private AndroidSteadySocket() {}

  /**
   * A core builder whose listener callbacks run on the main thread ({@link MainThreadExecutor}).
   * Everything else can be configured as on the JVM.
   *
   * @throws IllegalArgumentException on a malformed URL
   */
  public static SteadySocketBuilder builder(String url) {
    return SteadySocket.builder(url).callbackExecutor(MainThreadExecutor.get());
  }

  /**
   * Feeds {@code socket} the device's network, app-lifecycle and Doze signals until the returned
   * attachment is closed. Call on the main thread, best from {@code Application.onCreate} or an
   * Activity; it keeps only the application context.
   *
   * @throws SecurityException if the app lacks {@code android.permission.ACCESS_NETWORK_STATE}
   * @throws IllegalStateException if not called on the main thread
   */
  public static SocketAttachment attach(
      Context context, SteadySocket socket, BackgroundPolicy policy) {
    Objects.requireNonNull(socket, "socket == null");
    return SocketAttachment.attach(context, hooksOf(socket), policy);
  }

  private static SocketControl hooksOf(SteadySocket socket) {
    return new SocketControl() {
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
