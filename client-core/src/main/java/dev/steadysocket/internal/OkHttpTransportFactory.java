package dev.steadysocket.internal;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Connects with one OkHttpClient derived once per socket (it shares the base's pools). */
final class OkHttpTransportFactory implements Transport.Factory {
  private final OkHttpClient client;
  private final Request request;

  OkHttpTransportFactory(OkHttpClient base, Request request, long pingIntervalMillis, long closeTimeoutMillis) {
    OkHttpClient.Builder b =
        base.newBuilder()
            .pingInterval(pingIntervalMillis, TimeUnit.MILLISECONDS)
            .webSocketCloseTimeout(Math.max(1, closeTimeoutMillis), TimeUnit.MILLISECONDS);
    b.interceptors().add(0, UNCHECKED_AS_IO); // first, so it wraps every other interceptor
    this.client = b.build();
    this.request = request;
  }

  /**
   * OkHttp rethrows an unchecked exception from a call on its dispatcher thread, where it is
   * uncaught, and the socket would only learn of it as a cancellation. Its own follow-up logic
   * throws one for a {@code Retry-After} beyond an int on a 408 or 503, and a WebSocket call skips
   * network interceptors, so this is the one place to catch it: the attempt fails as an I/O error
   * and is retried with backoff.
   */
  private static final Interceptor UNCHECKED_AS_IO = new Interceptor() {
    @Override
    public Response intercept(Chain chain) throws IOException {
      try {
        return chain.proceed(chain.request());
      } catch (RuntimeException e) {
        throw new IOException("the handshake failed inside OkHttp: " + e.getClass().getName(), e);
      }
    }

    @Override
    public String toString() {
      return "SteadySocket(unchecked exceptions as IOException)";
    }
  };

  @Override
  public Transport connect(boolean refreshToken, Map<String, String> headers, Transport.Listener listener) {
    OkHttpTransport transport = new OkHttpTransport(listener);
    Request r = request;
    if (!headers.isEmpty()) {
      Request.Builder b = request.newBuilder();
      for (Map.Entry<String, String> h : headers.entrySet()) b.header(h.getKey(), h.getValue());
      r = b.build();
    }
    transport.webSocket = client.newWebSocket(r, transport);
    return transport;
  }
}
