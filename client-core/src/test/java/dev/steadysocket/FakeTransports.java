package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.internal.Transport;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A transport factory whose connections the test drives by hand. */
final class FakeTransports implements Transport.Factory {
  final List<Fake> created = new ArrayList<>();

  @Override
  public synchronized Transport connect(
      boolean refreshToken, Map<String, String> headers, Transport.Listener listener) {
    Fake f = new Fake(listener, refreshToken, headers);
    created.add(f);
    return f;
  }

  synchronized int count() {
    return created.size();
  }

  synchronized Fake last() {
    assertFalse(created.isEmpty(), "no connection attempt was made");
    return created.get(created.size() - 1);
  }

  static final class Fake implements Transport {
    final Transport.Listener listener;
    final boolean refreshToken;
    final Map<String, String> headers;
    final List<String> sent = new ArrayList<>();
    long queueSize;
    long pongs;
    int pings;
    boolean acceptSends = true;
    int closeCode = -1;
    String closeReason;
    boolean cancelled;
    /** Makes cancel() throw, as a transport bug would, to exercise the loop's crash path. */
    boolean throwOnCancel;
    /** What the handshake negotiated (Sec-WebSocket-Extensions), as the transport reports it. */
    String extensions = "";

    Fake(Transport.Listener listener, boolean refreshToken, Map<String, String> headers) {
      this.listener = listener;
      this.refreshToken = refreshToken;
      this.headers = headers;
    }

    @Override
    public boolean send(String text) {
      if (!acceptSends || closeCode != -1 || cancelled) return false;
      sent.add(text);
      return true;
    }

    /** Binary frames sent, in order. */
    final List<byte[]> sentBinary = new ArrayList<>();

    @Override
    public boolean sendBinary(byte[] bytes) {
      if (!send("")) return false; // the same acceptance rules as text frames
      sent.remove(sent.size() - 1);
      sentBinary.add(bytes);
      return true;
    }

    @Override
    public String extensions() {
      return extensions;
    }

    @Override
    public long queueSize() {
      return queueSize;
    }

    @Override
    public long pongCount() {
      return pongs;
    }

    @Override
    public boolean ping() {
      if (closeCode != -1 || cancelled) return false;
      pings++;
      return true;
    }

    @Override
    public void close(int code, String reason) {
      closeCode = code;
      closeReason = reason;
    }

    @Override
    public void cancel() {
      cancelled = true;
      if (throwOnCancel) throw new IllegalStateException("fake transport: cancel failed");
    }

    void open() {
      listener.onOpen();
    }

    void receive(String text) {
      listener.onText(text);
    }

    void receiveBinary(byte[] bytes) {
      listener.onBinary(bytes);
    }

    /** The server sends a close frame and then finishes the handshake. */
    void serverClose(int code, String reason) {
      listener.onClosing(code, reason);
      listener.onClosed(code, reason);
    }

    /** The transport refused what the server sent (a limit) and closed with {@code code}. */
    void refuse(SteadySocketException error, int code) {
      listener.onRefused(error, code);
    }

    void fail(IOException e) {
      listener.onFailure(e, -1, null);
    }

    void reject(int status, String retryAfter) {
      listener.onFailure(
          new ProtocolException("Expected HTTP 101 response but was '" + status + "'"), status, retryAfter);
    }

    /** The sent frames that are not heartbeats. */
    List<String> sentMessages() {
      List<String> out = new ArrayList<>();
      for (String s : sent) if (!s.contains("\"type\":\"heartbeat\"")) out.add(s);
      return out;
    }

    List<String> sentHeartbeats() {
      List<String> out = new ArrayList<>();
      for (String s : sent) if (s.contains("\"type\":\"heartbeat\"")) out.add(s);
      return out;
    }

    void assertCancelled() {
      assertTrue(cancelled, "expected the transport to be cancelled");
    }
  }
}
