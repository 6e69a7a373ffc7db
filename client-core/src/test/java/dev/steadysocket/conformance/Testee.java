package dev.steadysocket.conformance;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Compression;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client under test, Autobahn's echo testee on a real {@link SteadySocket}: every text message
 * is sent back as it came ({@code send(String)}), every binary one too ({@code send(byte[])}). No
 * heartbeat, no reconnect ({@code maxReconnectAttempts(0)}), a pass-through codec, and room for the
 * 9.x messages (an outbox of 64 MiB; the inbound limit stays at its 16 MiB default). It records
 * what the application saw: messages, typed errors and the close.
 *
 * <p><b>Threading:</b> built and closed on the test's thread; the listener runs on the socket's
 * callback thread; the record is guarded by {@code this}.
 */
final class Testee implements AutoCloseable {
  /** What the application saw, in order. */
  static final class Seen {
    final List<String> messages = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    CloseReason closed;

    /** Whether the application was told of a protocol violation (with {@code code}, unless 0). */
    boolean protocolViolation(int code) {
      return errors.stream().anyMatch(e -> e.startsWith(code == 0 ? "ProtocolViolation(" : "ProtocolViolation(" + code + ")"));
    }

    @Override
    public String toString() {
      return "app: " + messages.size() + " msg" + (errors.isEmpty() ? "" : ", onError " + String.join(", ", errors));
    }
  }

  /** The text of a decoded message: the codec keeps it whole. */
  private static final MessageCodec PASS_THROUGH = new MessageCodec() {
    @Override
    public String encode(Envelope envelope) {
      throw new UnsupportedOperationException("the echo testee sends raw text only");
    }

    @Override
    public Envelope decode(String text) {
      return Envelope.builder("echo").content(text).build();
    }
  };

  private final SteadySocket socket;
  private final Seen seen = new Seen();

  Testee(String url, Compression offer) {
    AtomicReference<SteadySocket> self = new AtomicReference<>();
    socket = SteadySocket.builder(url)
        .heartbeat(Heartbeat.disabled())
        .maxReconnectAttempts(0)
        .compression(offer)
        .codec(PASS_THROUGH)
        .outbox(OutboxPolicy.bounded(10_000, 64L << 20, OutboxPolicy.Overflow.REJECT_NEW))
        .listener(new SteadySocketListener() {
          @Override
          public void onMessage(Envelope e) {
            String text = e.content().asText();
            synchronized (Testee.this) {
              seen.messages.add("text(" + Frames.utf8(text).length + ")");
            }
            self.get().send(text);
          }

          @Override
          public void onBinaryMessage(byte[] bytes) {
            synchronized (Testee.this) {
              seen.messages.add("binary(" + bytes.length + ")");
            }
            self.get().send(bytes);
          }

          @Override
          public void onError(SteadySocketException error) {
            String name = error.getClass().getSimpleName().replace("Exception", "");
            if (error instanceof ProtocolViolationException) {
              name += "(" + ((ProtocolViolationException) error).closeCode() + ")";
            }
            synchronized (Testee.this) {
              if (!seen.errors.contains(name)) seen.errors.add(name);
            }
          }

          @Override
          public void onClosed(CloseReason reason) {
            synchronized (Testee.this) {
              seen.closed = reason;
            }
          }
        })
        .build();
    self.set(socket);
  }

  void connect() {
    socket.connect();
  }

  /** Waits (bounded) until the socket is closed for good: its last callback has run. */
  boolean awaitClosed(long millis) {
    try {
      socket.closeFuture().get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  synchronized Seen seen() {
    Seen copy = new Seen();
    copy.messages.addAll(seen.messages);
    copy.errors.addAll(seen.errors);
    copy.closed = seen.closed;
    return copy;
  }

  @Override
  public void close() {
    socket.close();
    awaitClosed(5_000);
  }
}
