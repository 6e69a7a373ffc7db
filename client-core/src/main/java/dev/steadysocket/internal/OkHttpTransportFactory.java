package dev.steadysocket.internal;

import dev.steadysocket.TokenProvider;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/** Connects with one OkHttpClient derived once per socket (it shares the base's pools). */
public final class OkHttpTransportFactory implements Transport.Factory {
  private final OkHttpClient client;
  private final Request request;

  public OkHttpTransportFactory(
      OkHttpClient base,
      Request request,
      long pingIntervalMillis,
      long closeTimeoutMillis,
      @Nullable TokenProvider tokens,
      String tokenHeader,
      String tokenPrefix) {
    OkHttpClient.Builder b =
        base.newBuilder()
            .pingInterval(pingIntervalMillis, TimeUnit.MILLISECONDS)
            .webSocketCloseTimeout(Math.max(1, closeTimeoutMillis), TimeUnit.MILLISECONDS);
    if (tokens != null) b.addInterceptor(new OkHttpTransport.TokenInterceptor(tokens, tokenHeader, tokenPrefix));
    this.client = b.build();
    this.request = request;
  }

  @Override
  public Transport connect(
      boolean refreshToken, java.util.Map<String, String> headers, Transport.Listener listener) {
    OkHttpTransport transport = new OkHttpTransport(listener);
    Request r = request;
    if (refreshToken || !headers.isEmpty()) {
      Request.Builder b = request.newBuilder();
      if (refreshToken) b.tag(OkHttpTransport.TokenRefresh.class, OkHttpTransport.TokenRefresh.YES);
      for (java.util.Map.Entry<String, String> h : headers.entrySet()) b.header(h.getKey(), h.getValue());
      r = b.build();
    }
    transport.webSocket = client.newWebSocket(r, transport);
    return transport;
  }
}
