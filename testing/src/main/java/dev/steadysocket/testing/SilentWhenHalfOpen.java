package dev.steadysocket.testing;

import java.util.function.BooleanSupplier;
import okhttp3.Request;
import okhttp3.WebSocket;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * The socket a {@link ServerConnection}'s protocol session writes to: silent once the connection
 * went half-open (sends "succeed" and vanish, as on a link that died quietly), the real socket
 * otherwise. Any thread, as OkHttp's {@link WebSocket}.
 */
final class SilentWhenHalfOpen implements WebSocket {
  private final WebSocket real;
  private final BooleanSupplier halfOpen;

  SilentWhenHalfOpen(WebSocket real, BooleanSupplier halfOpen) {
    this.real = real;
    this.halfOpen = halfOpen;
  }

  @Override
  public Request request() {
    return real.request();
  }

  @Override
  public long queueSize() {
    return real.queueSize();
  }

  @Override
  public boolean send(String text) {
    return halfOpen.getAsBoolean() || real.send(text);
  }

  @Override
  public boolean send(ByteString bytes) {
    return halfOpen.getAsBoolean() || real.send(bytes);
  }

  @Override
  public boolean close(int code, @Nullable String reason) {
    return halfOpen.getAsBoolean() || real.close(code, reason);
  }

  @Override
  public void cancel() {
    real.cancel();
  }
}
