package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OkHttpTransportFactory}'s derived client, seen from an interceptor of the application's
 * client that answers every call itself (no network): the handshake timeouts it sees, and the
 * guard's refusal of a subprotocol that was not offered.
 */
class OkHttpTransportFactoryTest {
  private final OkHttpTransportTest.Events events = new OkHttpTransportTest.Events();
  private OkHttpClient base;

  @AfterEach
  void tearDown() {
    if (base != null) base.dispatcher().executorService().shutdown();
  }

  private void connect(OkHttpClient.Builder client, Interceptor server) {
    base = client.addInterceptor(server).build();
    Request request = new Request.Builder().url("http://example.invalid/feed").build();
    new OkHttpTransportFactory(base, request, 5_000, 1_000, 1 << 20, false, java.util.List.of(),
        dev.steadysocket.Compression.defaults(), Runnable::run, System::nanoTime, TestEvents.of(null))
        .connect(false, Map.of(), events);
  }

  /** Records the call's timeouts, then fails it. */
  private void timeouts(OkHttpClient.Builder client, AtomicLong connect, AtomicLong read) throws Exception {
    connect(client, chain -> {
      connect.set(chain.connectTimeoutMillis());
      read.set(chain.readTimeoutMillis());
      throw new IOException("recorded");
    });
    assertEquals("failure -1 null", events.next());
  }

  @Test
  void shorterOkHttpTimeoutsAreRaisedToTheConnectTimeout() throws Exception {
    AtomicLong connect = new AtomicLong();
    AtomicLong read = new AtomicLong();
    timeouts(new OkHttpClient.Builder().connectTimeout(1_000, java.util.concurrent.TimeUnit.MILLISECONDS)
        .readTimeout(2_000, java.util.concurrent.TimeUnit.MILLISECONDS), connect, read);
    assertEquals(5_000, connect.get());
    assertEquals(5_000, read.get());
  }

  @Test
  void longerOrAbsentOkHttpTimeoutsAreKept() throws Exception {
    // 0 means "no timeout": raising it to 5 s would cut a handshake the application let run.
    AtomicLong connect = new AtomicLong();
    AtomicLong read = new AtomicLong();
    timeouts(new OkHttpClient.Builder().connectTimeout(0, java.util.concurrent.TimeUnit.MILLISECONDS)
        .readTimeout(9_000, java.util.concurrent.TimeUnit.MILLISECONDS), connect, read);
    assertEquals(0, connect.get());
    assertEquals(9_000, read.get());
  }

  @Test
  void aSubprotocolThatWasNotOfferedFailsTheHandshakeAndCancelsTheSocket() throws Exception {
    GuardedSocketTest.RawSocket raw = new GuardedSocketTest.RawSocket(new Buffer());
    connect(new OkHttpClient.Builder(), chain -> new Response.Builder()
        .request(chain.request())
        .protocol(Protocol.HTTP_1_1)
        .code(101)
        .message("Switching Protocols")
        .header("Sec-WebSocket-Protocol", "chat.v9")
        .socket(raw)
        .build());
    assertEquals("failure -1 null", events.next());
    ProtocolException e = assertInstanceOf(ProtocolException.class, events.failure);
    assertEquals("the server chose a subprotocol that was not offered", e.getMessage());
    assertTrue(raw.cancelled, "the upgraded socket is not left open");
  }
}
