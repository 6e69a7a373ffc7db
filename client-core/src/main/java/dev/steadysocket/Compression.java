package dev.steadysocket;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whether the client offers per-message compression (permessage-deflate, RFC 7692) and with which
 * parameters; {@link SteadySocket#compression()} reports what the server agreed to. Immutable and
 * thread-safe; one instance may serve many sockets.
 *
 * <p><b>Default:</b> {@link #defaults()}, what OkHttp does on its own: {@code permessage-deflate}
 * offered without parameters; if the server accepts, outgoing messages of 1,024 bytes or more are
 * compressed, and the server may compress any message it sends. Inbound compressed messages are
 * inflated by SteadySocket as they arrive, with the size limit counted in inflated bytes, so a
 * small compressed message cannot make the client hold a huge one.
 *
 * <p><b>The trade-off.</b> Repetitive JSON (tickers, dashboards, chat history) shrinks three to
 * ten times, which matters on metered and slow links. The price is CPU on both ends and memory
 * per connection: with context takeover (the default) each side keeps a 32 KiB window (the
 * server's compressor keeps up to ~256 KiB at zlib's defaults) from message to message, which is
 * what makes small messages compress well. Turn it {@link #disabled()} for small or already
 * compressed payloads (images, protobuf), for servers with many thousands of connections, or
 * where the server's compression has to be ruled out entirely; then the client makes no offer and
 * neither side allocates a compressor or inflater. In between:
 *
 * <ul>
 *   <li>{@link #withServerNoContextTakeover()}: the server compresses each message on its own,
 *       freeing its window between messages (small messages then compress less well);
 *   <li>{@link #withClientNoContextTakeover()}: the same for the client's own compressor;
 *   <li>{@link #withServerMaxWindowBits(int)}: asks the server for a smaller window (8 to 15
 *       bits: 256 bytes to 32 KiB), less memory on the server at some cost in ratio;
 *   <li>{@link #withMinimumSize(long)}: outgoing messages below this size are sent uncompressed.
 * </ul>
 *
 * <p>The client's own window cannot be limited: OkHttp's compressor always uses 32 KiB, so {@code
 * client_max_window_bits} is never offered. A server's answer is checked against the offer before
 * the connection opens: an extension or parameter that was not offered or is not allowed (RFC 6455
 * 4.1, RFC 7692 7.1) fails the attempt with a {@link ProtocolViolationException}.
 */
public final class Compression {
  /** Largest LZ77 window, in bits (32 KiB): what "no limit" means. */
  private static final int MAX_WINDOW_BITS = 15;
  private static final long OKHTTP_MINIMUM_SIZE = 1024;
  private static final Compression DISABLED = new Compression(false, false, false, MAX_WINDOW_BITS, 0);
  private static final Compression DEFAULTS =
      new Compression(true, false, false, MAX_WINDOW_BITS, OKHTTP_MINIMUM_SIZE);

  private final boolean enabled;
  private final boolean serverNoContextTakeover;
  private final boolean clientNoContextTakeover;
  private final int serverMaxWindowBits;
  private final long minimumSize;

  private Compression(boolean enabled, boolean serverNoContextTakeover, boolean clientNoContextTakeover,
      int serverMaxWindowBits, long minimumSize) {
    this.enabled = enabled;
    this.serverNoContextTakeover = serverNoContextTakeover;
    this.clientNoContextTakeover = clientNoContextTakeover;
    this.serverMaxWindowBits = serverMaxWindowBits;
    this.minimumSize = minimumSize;
  }

  /**
   * OkHttp's behaviour: {@code permessage-deflate} offered without parameters, outgoing messages of
   * 1,024 bytes or more compressed once the server accepts.
   *
   * @return the default compression
   */
  public static Compression defaults() {
    return DEFAULTS;
  }

  /**
   * No offer: the server cannot compress, nothing is compressed or inflated. A server that answers
   * with an extension anyway fails the attempt ({@link ProtocolViolationException}).
   *
   * @return compression off
   */
  public static Compression disabled() {
    return DISABLED;
  }

  /**
   * A copy that asks the server to compress each message on its own ({@code
   * server_no_context_takeover}). A server may decline by answering without it: the client inflates
   * either way, and {@link SteadySocket#compression()} says what was agreed.
   *
   * @return a new compression with this parameter added
   * @throws IllegalStateException if this compression is {@link #disabled()}
   */
  public Compression withServerNoContextTakeover() {
    checkEnabled();
    return new Compression(true, true, clientNoContextTakeover, serverMaxWindowBits, minimumSize);
  }

  /**
   * A copy whose offer says the client compresses each message on its own ({@code
   * client_no_context_takeover}). OkHttp's compressor resets its window per message once the
   * server's answer repeats the parameter, which servers that accept it do.
   *
   * @return a new compression with this parameter added
   * @throws IllegalStateException if this compression is {@link #disabled()}
   */
  public Compression withClientNoContextTakeover() {
    checkEnabled();
    return new Compression(true, serverNoContextTakeover, true, serverMaxWindowBits, minimumSize);
  }

  /**
   * A copy that asks the server to compress with a window of at most {@code 2^bits} bytes ({@code
   * server_max_window_bits}). An answer with a larger window fails the attempt (RFC 7692
   * 7.1.2.1); one without the parameter declines the limit: the client inflates any window, and
   * {@link SteadySocket#compression()} says what was agreed.
   *
   * @param bits 8 to 15; 15 (32 KiB, the default) offers no limit
   * @return a new compression with this limit
   * @throws IllegalArgumentException if {@code bits} is outside 8 to 15
   * @throws IllegalStateException if this compression is {@link #disabled()}
   */
  public Compression withServerMaxWindowBits(int bits) {
    checkEnabled();
    if (bits < 8 || bits > MAX_WINDOW_BITS) throw new IllegalArgumentException("bits not in 8..15: " + bits);
    return new Compression(true, serverNoContextTakeover, clientNoContextTakeover, bits, minimumSize);
  }

  /**
   * A copy that sends outgoing messages smaller than {@code bytes} uncompressed (OkHttp's {@code
   * minWebSocketMessageToCompress}). By default, and if set to 1,024, the {@link
   * SteadySocketBuilder#okHttpClient} decides (1,024 unless its builder set another value); {@link
   * SteadySocket#compression()} reports the size in force. It does not affect what the server sends.
   *
   * @param bytes the smallest message compressed, in (UTF-8) bytes; 0 compresses every message
   * @return a new compression with this threshold
   * @throws IllegalArgumentException if {@code bytes} is negative
   * @throws IllegalStateException if this compression is {@link #disabled()}
   */
  public Compression withMinimumSize(long bytes) {
    checkEnabled();
    if (bytes < 0) throw new IllegalArgumentException("bytes < 0: " + bytes);
    return new Compression(true, serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, bytes);
  }

  private void checkEnabled() {
    if (!enabled) throw new IllegalStateException("compression is disabled");
  }

  /**
   * Whether permessage-deflate is offered (or, from {@link SteadySocket#compression()}, in force).
   *
   * @return false for {@link #disabled()}
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Whether the server compresses each message on its own.
   *
   * @return true if {@code server_no_context_takeover} is offered (or was agreed)
   */
  public boolean serverNoContextTakeover() {
    return serverNoContextTakeover;
  }

  /**
   * Whether the client compresses each message on its own.
   *
   * @return true if {@code client_no_context_takeover} is offered (or was agreed)
   */
  public boolean clientNoContextTakeover() {
    return clientNoContextTakeover;
  }

  /**
   * The server's window limit, in bits.
   *
   * @return 8 to 15; 15 means no limit
   */
  public int serverMaxWindowBits() {
    return serverMaxWindowBits;
  }

  /**
   * The smallest outgoing message that is compressed.
   *
   * @return bytes; 0 when disabled
   */
  public long minimumSize() {
    return minimumSize;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Compression)) return false;
    Compression that = (Compression) o;
    return enabled == that.enabled && serverNoContextTakeover == that.serverNoContextTakeover
        && clientNoContextTakeover == that.clientNoContextTakeover
        && serverMaxWindowBits == that.serverMaxWindowBits && minimumSize == that.minimumSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, minimumSize);
  }

  @Override
  public String toString() {
    if (!enabled) return "Compression{disabled}";
    return "Compression{permessage-deflate" + (clientNoContextTakeover ? ", client_no_context_takeover" : "")
        + (serverNoContextTakeover ? ", server_no_context_takeover" : "")
        + (serverMaxWindowBits < MAX_WINDOW_BITS ? ", server_max_window_bits=" + serverMaxWindowBits : "")
        + ", minimumSize=" + minimumSize + "}";
  }
}
