package dev.steadysocket.internal;

import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import okio.Buffer;
import okio.Source;
import okio.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The server's frames on their way to OkHttp's WebSocket reader, checked before OkHttp buffers
 * them. OkHttp accepts frame lengths up to 2^63 and inflates compressed messages without a cap;
 * this source bounds both:
 *
 * <ul>
 *   <li>A message (all its frames) longer than the limit is refused as soon as a frame header
 *       says it would pass the limit, before a byte of it is buffered.
 *   <li>Compressed messages (permessage-deflate, RFC 7692) are inflated here, with the same limit
 *       counted in inflated bytes, and handed to OkHttp as one uncompressed frame: OkHttp never
 *       inflates, so no deflate bomb reaches it.
 *   <li>A server that sends pings faster than it reads our pongs (OkHttp queues every pong) is
 *       refused once {@link #MAX_OWED_PONGS} are owed.
 * </ul>
 *
 * <p>A refusal hands OkHttp a synthetic close frame from the "server" (1009 for size, 1008 for the
 * ping flood) instead of the offending bytes, and then end of stream. OkHttp answers it like any
 * close (our {@link OkHttpTransport} sends the close frame back) and the socket sees the typed error
 * from {@link Tripped}. Every byte OkHttp reads passes through here.
 *
 * <p><b>Threading:</b> OkHttp's reader thread only, except the counters, which other threads read.
 */
final class InboundFrames implements Source {
  /**
   * Pongs OkHttp may owe the server (each up to 125 bytes, queued in memory until written). Past
   * it the reader waits for the writer to catch up, for at most {@link #PONG_DRAIN_NANOS}: a burst
   * of pings from a server that reads is answered; one that never reads our pongs is refused.
   */
  static final int MAX_OWED_PONGS = 1024;

  static final long PONG_DRAIN_NANOS = 5_000_000_000L;

  private static final int OPCODE_CONTINUATION = 0x0;
  private static final int OPCODE_PING = 0x9;
  private static final int OPCODE_PONG = 0xa;
  private static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  /** Told once when a limit is crossed, before the synthetic close frame is handed to OkHttp. */
  interface Tripped {
    void tripped(SteadySocketException error, int closeCode);
  }

  private final Source upstream;
  private final long maxMessageBytes;
  private final boolean deflate;
  private final boolean serverNoContextTakeover;
  private final OutboundFrames outbound;
  private final Tripped tripped;
  /** {@link #PONG_DRAIN_NANOS}, shorter in tests. */
  long pongDrainNanos = PONG_DRAIN_NANOS;

  /** Bytes read from the network, not yet handed on. */
  private final Buffer in = new Buffer();
  /** Bytes ready for OkHttp. */
  private final Buffer out = new Buffer();
  /** Payload bytes of the current uncompressed frame still to pass through. */
  private long passThrough;
  /** Data bytes of the message in progress (compressed bytes while it is compressed). */
  private long messageBytes;
  /** The opcode of the compressed message in progress, or -1. */
  private int compressedOpcode = -1;
  /**
   * True while OkHttp holds a non-final frame of an uncompressed message. OkHttp cannot take a
   * close frame inside a fragmented message (it reads the close, then throws "Expected continuation
   * opcode" and drops the connection before our close frame is written), so a refusal ends that
   * message first with an empty final continuation, which {@link OkHttpTransport} discards.
   */
  private boolean okHttpMidMessage;

  private final Buffer deflated = new Buffer();
  private @Nullable Inflater inflater;
  /** Inflated output, reused for every compressed message; allocated at the first one. */
  private byte @Nullable [] chunk;
  private boolean finished;

  volatile long pingsReceived;
  volatile long pongsReceived;

  InboundFrames(
      Source upstream, long maxMessageBytes, boolean deflate, boolean serverNoContextTakeover,
      OutboundFrames outbound, Tripped tripped) {
    this.upstream = upstream;
    this.maxMessageBytes = maxMessageBytes;
    this.deflate = deflate;
    this.serverNoContextTakeover = serverNoContextTakeover;
    this.outbound = outbound;
    this.tripped = tripped;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    while (out.size() == 0) {
      if (finished) return -1;
      if (passThrough > 0) {
        // Reads past the frame's end when the network has more: one read per 8 KiB, not per frame.
        if (in.size() == 0 && upstream.read(in, 8192) == -1) return -1;
        long n = Math.min(passThrough, in.size());
        out.write(in, n);
        passThrough -= n;
      } else if (!nextFrame()) {
        return -1;
      }
    }
    // Then, without blocking, what already waits in `in`: one call per network read, not two per frame.
    while (!finished && out.size() < byteCount && in.size() > 0) {
      if (passThrough > 0) {
        long n = Math.min(passThrough, in.size());
        out.write(in, n);
        passThrough -= n;
      } else if (!plainFrameWaiting() || !nextFrame()) {
        break;
      }
    }
    return out.read(sink, byteCount);
  }

  /**
   * Whether the next frame's whole header is in {@link #in} and the frame is {@link #plainTotal
   * plain}: {@link #nextFrame} then passes it on without reading the network, refusing or
   * inflating. Anything else waits for an empty {@link #out}: a control frame (a ping may wait for
   * pongs, which OkHttp writes only for frames it has), a compressed frame (inflating may fail), a
   * frame that trips a limit (the complete messages before it must reach OkHttp before the refusal
   * does).
   */
  private boolean plainFrameWaiting() {
    if (in.size() < 2) return false;
    int b0 = in.getByte(0) & 0xff;
    int b1 = in.getByte(1) & 0xff;
    return in.size() >= headerLength(b1) && plainTotal(b0, b1, payloadLength(b1)) >= 0;
  }

  /**
   * The one rule for a frame that passes to OkHttp as it is: an unmasked, uncompressed data frame,
   * outside any compressed message, that keeps its message within the limit. Returns the
   * message's size with this frame, or -1 for any other frame. Needs the whole header in {@link #in}.
   */
  private long plainTotal(int b0, int b1, long length) {
    // 0x48: a control opcode or RSV1 (compressed); 0x80 in b1: masked.
    if ((b0 & 0x48) != 0 || (b1 & 0x80) != 0 || compressedOpcode != -1 || length < 0) return -1;
    long total = ((b0 & 0x0f) == OPCODE_CONTINUATION ? messageBytes : 0) + length;
    return total >= 0 && total <= maxMessageBytes ? total : -1;
  }

  private static int headerLength(int b1) {
    int len7 = b1 & 0x7f;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
  }

  /** The payload length of the frame whose header starts {@link #in} (negative if absurd). */
  private long payloadLength(int b1) {
    int len7 = b1 & 0x7f;
    return len7 == 126 ? in.getByte(2) << 8 & 0xff00 | in.getByte(3) & 0xff
        : len7 == 127 ? peekLong(2) : len7;
  }

  /** Reads and judges the next frame header; false at the end of the stream. */
  private boolean nextFrame() throws IOException {
    if (!require(2)) return false;
    int b0 = in.getByte(0) & 0xff;
    int b1 = in.getByte(1) & 0xff;
    int headerLength = headerLength(b1);
    if (!require(headerLength)) return false;
    long length = payloadLength(b1);
    boolean fin = (b0 & 0x80) != 0;
    long plain = plainTotal(b0, b1, length);
    if (plain >= 0) {
      messageBytes = plain;
      okHttpMidMessage = !fin;
      passFrame(headerLength, length);
      return true;
    }
    int opcode = b0 & 0x0f;
    boolean rsv1 = (b0 & 0x40) != 0;
    if ((b1 & 0x80) != 0 || length < 0 || (rsv1 && !deflate)) {
      passFrame(headerLength, length); // a protocol violation: OkHttp's reader refuses it with its own error
      return true;
    }
    if ((opcode & 0x08) != 0) {
      controlFrame(opcode, headerLength, length);
      return true;
    }
    boolean first = opcode != OPCODE_CONTINUATION;
    if (first && compressedOpcode != -1) {
      trip(Api.get().protocolViolation(1002,
          "the server started a message inside a fragmented compressed one", null), 1002, "protocol error");
      return true;
    }
    if (first) messageBytes = 0;
    if (rsv1 || compressedOpcode != -1) {
      return compressedFrame(opcode, fin, headerLength, length);
    }
    // A plain data frame that plainTotal refused: its message crosses the limit.
    messageBytes += length;
    trip(Api.get().messageTooLarge(
        "the server sent a message of at least " + messageBytes + " bytes; the limit is "
            + maxMessageBytes + " (SteadySocketBuilder.maxInboundMessageSize)"), 1009, "message too large");
    return true;
  }

  private void controlFrame(int opcode, int headerLength, long length) throws IOException {
    if (length > 125 || !require(headerLength + length)) {
      passFrame(headerLength, length); // OkHttp refuses an oversized control frame itself
      return;
    }
    if (opcode == OPCODE_PING) {
      if (pingsReceived - outbound.pongsWritten() >= MAX_OWED_PONGS
          && !outbound.awaitPongs(pingsReceived - MAX_OWED_PONGS / 2, pongDrainNanos)) {
        trip(Api.get().protocolViolation(1008,
            "the server sent " + MAX_OWED_PONGS + " pings more than it read pongs for (a ping flood)", null),
            1008, "ping flood");
        return;
      }
      pingsReceived++;
    } else if (opcode == OPCODE_PONG) {
      pongsReceived++;
    }
    passFrame(headerLength, length);
  }

  /** Collects a compressed message, then hands OkHttp its inflated bytes as one plain frame. */
  private boolean compressedFrame(int opcode, boolean fin, int headerLength, long length) throws IOException {
    if (opcode != OPCODE_CONTINUATION) compressedOpcode = opcode;
    messageBytes += length;
    if (messageBytes > maxMessageBytes || messageBytes < 0) {
      tooLarge(messageBytes);
      return true;
    }
    in.skip(headerLength);
    while (length > 0) {
      if (in.size() == 0 && upstream.read(in, 8192) == -1) return false;
      long n = Math.min(length, in.size());
      deflated.write(in, n);
      length -= n;
    }
    if (!fin) return true;
    int messageOpcode = compressedOpcode;
    compressedOpcode = -1;
    Buffer inflated = new Buffer();
    if (!inflate(inflated)) {
      tooLarge(inflated.size());
      return true;
    }
    writeHeader(messageOpcode, inflated.size());
    out.writeAll(inflated);
    return true;
  }

  /** Inflates {@link #deflated} into {@code into}; false (and stops) past the message limit. */
  private boolean inflate(Buffer into) throws IOException {
    Inflater inf = inflater;
    if (inf == null) inflater = inf = new Inflater(true);
    else if (serverNoContextTakeover) inf.reset();
    deflated.write(DEFLATE_TAIL);
    byte[] input = deflated.readByteArray();
    inf.setInput(input);
    byte[] chunk = this.chunk;
    if (chunk == null) this.chunk = chunk = new byte[8192];
    try {
      while (!inf.needsInput() && !inf.finished()) {
        int n = inf.inflate(chunk);
        if (n == 0) break; // needs input (a raw stream never asks for a dictionary)
        into.write(chunk, 0, n);
        if (into.size() > maxMessageBytes) return false;
      }
    } catch (DataFormatException e) {
      throw new java.net.ProtocolException("the server sent a malformed compressed message: " + e.getMessage());
    }
    if (inf.finished()) inflater = null; // self-terminated stream: the next message starts afresh
    return true;
  }

  private void tooLarge(long atLeast) {
    trip(Api.get().messageTooLarge(
        "the server sent a message of at least " + atLeast + " bytes (inflated); the limit is "
            + maxMessageBytes + " (SteadySocketBuilder.maxInboundMessageSize)"), 1009, "message too large");
  }

  /** Hands OkHttp a close frame in place of what broke the limit, then the end of the stream. */
  private void trip(SteadySocketException error, int code, String reason) {
    tripped.tripped(error, code);
    byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (okHttpMidMessage) out.writeByte(0x80).writeByte(0); // see okHttpMidMessage
    out.writeByte(0x88).writeByte(2 + text.length).writeShort(code).write(text);
    finished = true;
    in.clear();
    deflated.clear();
  }

  /** Moves a whole header to {@link #out} and lets the payload follow as it arrives. */
  private void passFrame(int headerLength, long length) {
    out.write(in, headerLength);
    passThrough = Math.max(0, length);
  }

  private void writeHeader(int opcode, long length) {
    out.writeByte(0x80 | opcode);
    if (length <= 125) {
      out.writeByte((int) length);
    } else if (length <= 0xffff) {
      out.writeByte(126).writeShort((int) length);
    } else {
      out.writeByte(127).writeLong(length);
    }
  }

  private long peekLong(int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | (in.getByte(offset + i) & 0xff);
    return v;
  }

  /** Reads until {@code n} bytes wait in {@link #in}; false if the stream ends first. */
  private boolean require(long n) throws IOException {
    while (in.size() < n) {
      if (upstream.read(in, 8192) == -1) return false;
    }
    return true;
  }

  @Override
  public Timeout timeout() {
    return upstream.timeout();
  }

  @Override
  public void close() throws IOException {
    upstream.close();
  }
}
