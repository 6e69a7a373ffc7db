package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;
import java.io.IOException;
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
 *   <li>Compressed messages (permessage-deflate, RFC 7692) are inflated here as they arrive
 *       ({@link InboundInflater}, none unless negotiated), the limit counted in inflated bytes,
 *       and handed to OkHttp as one uncompressed frame: OkHttp never inflates, so no deflate bomb
 *       reaches it. Their compressed bytes have a bound of their own ({@link #compressedBound}).
 *   <li>Reserved bits no negotiated extension defines (RSV2, RSV3; RSV1 without deflate, on a
 *       continuation or on a control frame) fail the connection here: an RSV1 frame never reaches
 *       OkHttp's inflater, which would inflate it unbounded (a masked one, or one whose length
 *       overflows, is handed on for OkHttp's reader to refuse at its header, before any payload).
 *   <li>Pongs owed: past {@link PongsOwed#MAX_OWED_PONGS}, further pings are not handed to OkHttp
 *       (RFC 6455 5.5.3 lets us answer only some); a server that reads none of what we write
 *       meanwhile is refused as a ping flood.
 *   <li>Text, plain or inflated, and close reasons must be UTF-8 (RFC 6455 8.1): checked once as
 *       the bytes arrive ({@link Utf8Validator}); a plain text frame reaches OkHttp only whole and
 *       checked ({@link #admitText}), so no refusal falls inside a frame OkHttp has begun.
 * </ul>
 *
 * <p>A refusal hands OkHttp a synthetic close frame from the "server" (1009 for size, 1008 for the
 * ping flood, 1002 for a protocol error, 1007 for text that is not UTF-8) instead of the offending
 * bytes, and then end of stream. OkHttp answers it like any close (our {@link OkHttpTransport}
 * sends the close frame back) and the socket sees the typed error from {@link GuardEvents}. Every byte
 * OkHttp reads passes through here.
 *
 * <p><b>Threading:</b> OkHttp's reader thread only, except the counters, which other threads read.
 */
final class InboundFrames implements Source {
  private static final int OPCODE_CONTINUATION = 0x0;
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_CLOSE = 0x8;
  private static final int OPCODE_PING = 0x9;
  private static final int OPCODE_PONG = 0xa;
  private static final int RSV1 = 0x40;
  private static final int RSV2_RSV3 = 0x30;
  private static final int CONTROL = 0x08;

  private final Source upstream;
  private final long maxMessageBytes;
  /**
   * The compressed bytes one message may have: the limit plus an eighth plus 1 KiB, above any
   * deflate encoder's worst case for a message at the limit (zlib's deflateBound adds 0.03 %, fixed
   * Huffman codes at most 12.5 %), so that only a stream that inflates to almost nothing (empty
   * blocks) meets it.
   */
  private final long compressedBound;
  private final PongsOwed pongsOwed;
  private final GuardEvents tripped;
  private final @Nullable InboundInflater inflater;
  private final FrameTimeout timeout;
  /** The text message in progress, plain or inflated (RFC 6455 8.1). */
  private final Utf8Validator utf8 = new Utf8Validator();
  /** Close reasons: a close frame may arrive inside a fragmented text message. */
  private final Utf8Validator closeReason = new Utf8Validator();

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
   * opcode" and drops the connection before our close frame is written), so before a close, the
   * server's or a refusal's, that message is ended with an empty final continuation, which {@link
   * OkHttpTransport} drops ({@link GuardEvents#endedMidMessage}).
   */
  private boolean okHttpMidMessage;
  /** Whether the plain message in progress is text. */
  private boolean text;
  /** The next frame was admitted by {@link #plainFrameWaiting} (its text checked already). */
  private boolean admitted, finished;

  /** Every complete ping, answered or not: a sign of life. */
  volatile long pingsReceived;
  volatile long pongsReceived;

  InboundFrames(
      Source upstream, long maxMessageBytes, boolean deflate, boolean serverNoContextTakeover,
      OutboundFrames outbound, GuardEvents tripped) {
    this.upstream = upstream;
    this.timeout = new FrameTimeout(upstream.timeout());
    this.maxMessageBytes = maxMessageBytes;
    this.compressedBound = FrameHeader.saturatedAdd(maxMessageBytes, maxMessageBytes / 8 + 1024);
    this.pongsOwed = new PongsOwed(outbound);
    this.tripped = tripped;
    this.inflater = deflate ? new InboundInflater(maxMessageBytes, serverNoContextTakeover) : null;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    while (out.size() == 0) {
      if (finished) return -1;
      if (passThrough > 0) {
        // Reads past the frame's end when the network has more: one read per 8 KiB, not per frame.
        if (in.size() == 0 && upstream.read(in, 8192) == -1) return -1;
        passPayload();
      } else if (!nextFrame()) {
        return -1;
      }
    }
    // Then, without blocking, what already waits in `in`: one call per network read, not two per frame.
    while (!finished && out.size() < byteCount && in.size() > 0) {
      if (passThrough > 0) {
        passPayload();
      } else if (!plainFrameWaiting() || !nextFrame()) {
        break;
      }
    }
    return out.read(sink, byteCount);
  }

  /**
   * Whether the next frame's whole header is in {@link #in} and the frame is {@link #plainTotal
   * plain}: {@link #nextFrame} then passes it on without reading the network, refusing or
   * inflating. Anything else waits for an empty {@link #out}: a control frame (a ping may be
   * refused, after the frames before it), a compressed frame (inflating may fail), a frame that
   * trips a limit (the complete messages before it must reach OkHttp before the refusal does).
   */
  private boolean plainFrameWaiting() throws IOException {
    if (in.size() < 2) return false;
    int b0 = in.getByte(0) & 0xff;
    int b1 = in.getByte(1) & 0xff;
    int headerLength = FrameHeader.length(b1);
    if (in.size() < headerLength) return false;
    long length = FrameHeader.payloadLength(in, b1);
    if (plainTotal(b0, b1, length) < 0) return false;
    // Text that is not UTF-8 is refused by nextFrame, so it waits like any frame that may be.
    admitted = admitText(b0, headerLength, length, false) == TEXT_OK;
    return admitted;
  }

  /** Moves what has arrived of the frame passing through to {@link #out}. */
  private void passPayload() {
    long n = Math.min(passThrough, in.size());
    out.write(in, n);
    passThrough -= n;
  }

  private static final int TEXT_OK = 1, TEXT_INVALID = 0, TEXT_WAITING = -1;

  /**
   * Judges a plain data frame's text (RFC 6455 8.1) before any of it reaches OkHttp, so a refusal
   * never falls inside a frame OkHttp has begun: a text frame passes only whole and checked. The
   * bytes are checked once, as they arrive. Not {@code blocking}: only a frame wholly in {@link
   * #in}, else TEXT_WAITING with nothing changed. Blocking: reads the rest of the frame (at most
   * the message limit, the bytes the server sent), TEXT_WAITING only at the end of the stream.
   * After TEXT_INVALID the validator stays failed, so judging the frame again refuses it again.
   */
  private int admitText(int b0, int headerLength, long length, boolean blocking) throws IOException {
    int opcode = b0 & 0x0f;
    boolean isText = opcode == OPCODE_TEXT || opcode == OPCODE_CONTINUATION && text;
    if (!isText) {
      if (opcode != OPCODE_CONTINUATION) text = false;
      return TEXT_OK;
    }
    if (!blocking && in.size() < headerLength + length) return TEXT_WAITING;
    if (opcode == OPCODE_TEXT) {
      text = true;
      utf8.reset();
    }
    for (long checked = 0; ; ) {
      long arrived = Math.min(in.size() - headerLength, length);
      if (arrived > checked && !utf8.update(in, headerLength + checked, arrived - checked)) return TEXT_INVALID;
      checked = arrived;
      if (checked == length) break;
      if (timeout.readRest(upstream, in) == -1) return TEXT_WAITING;
    }
    return (b0 & 0x80) == 0 || utf8.finish() ? TEXT_OK : TEXT_INVALID;
  }

  /**
   * The one rule for a frame that passes to OkHttp as it is: an unmasked data frame without
   * reserved bits, outside any compressed message, that keeps its message within the limit.
   * Returns the message's size with this frame, or -1 for any other frame. Needs the whole header
   * in {@link #in}.
   */
  private long plainTotal(int b0, int b1, long length) {
    // 0x80 in b1: masked.
    if ((b0 & (RSV1 | RSV2_RSV3 | CONTROL)) != 0 || (b1 & 0x80) != 0 || compressedOpcode != -1 || length < 0) {
      return -1;
    }
    long total = ((b0 & 0x0f) == OPCODE_CONTINUATION ? messageBytes : 0) + length;
    return total >= 0 && total <= maxMessageBytes ? total : -1;
  }

  /** Reads and judges the next frame header; false at the end of the stream. */
  private boolean nextFrame() throws IOException {
    if (!require(2)) return false;
    int b0 = in.getByte(0) & 0xff;
    int b1 = in.getByte(1) & 0xff;
    int headerLength = FrameHeader.length(b1);
    if (!require(headerLength)) return false;
    long length = FrameHeader.payloadLength(in, b1);
    boolean fin = (b0 & 0x80) != 0;
    long plain = plainTotal(b0, b1, length);
    if (plain >= 0) {
      if (!admitted) {
        int verdict = admitText(b0, headerLength, length, true);
        if (verdict == TEXT_WAITING) return false;
        if (verdict == TEXT_INVALID) {
          invalidUtf8();
          return true;
        }
      }
      admitted = false;
      messageBytes = plain;
      okHttpMidMessage = !fin;
      passFrame(headerLength, length);
      return true;
    }
    int opcode = b0 & 0x0f;
    String reserved = FrameHeader.reservedBitViolation(b0, opcode, inflater != null);
    if (reserved != null) {
      protocolError(reserved);
      return true;
    }
    if ((b1 & 0x80) != 0 || length < 0) {
      passFrame(headerLength, length); // a protocol violation: OkHttp's reader refuses it with its own error
      return true;
    }
    if ((opcode & CONTROL) != 0) {
      controlFrame(opcode, headerLength, length);
      return true;
    }
    boolean first = opcode != OPCODE_CONTINUATION;
    if (first && (compressedOpcode != -1 || okHttpMidMessage)) { // RFC 6455 5.4: never interleaved
      protocolError("the server started a message inside a fragmented one");
      return true;
    }
    if (first) messageBytes = 0;
    if ((b0 & RSV1) != 0 || compressedOpcode != -1) {
      return compressedFrame(opcode, fin, headerLength, length);
    }
    // A plain data frame that plainTotal refused: its message crosses the limit.
    messageBytes = FrameHeader.saturatedAdd(messageBytes, length);
    tooLarge(messageBytes, "");
    return true;
  }

  private void controlFrame(int opcode, int headerLength, long length) throws IOException {
    if (length > 125 || !require(headerLength + length)) {
      passFrame(headerLength, length); // OkHttp refuses an oversized control frame itself
      return;
    }
    if (opcode == OPCODE_CLOSE && length > 2) {
      closeReason.reset();
      if (!closeReason.update(in, headerLength + 2, length - 2) || !closeReason.complete()) {
        invalidUtf8();
        return;
      }
    }
    if (opcode == OPCODE_CLOSE) endOkHttpMessage(); // RFC 6455 5.4 allows it between fragments
    if (opcode == OPCODE_PING) {
      pingsReceived++;
      PongsOwed.Ping verdict = pongsOwed.ping();
      if (verdict == PongsOwed.Ping.FLOOD) {
        trip(PongsOwed.flood(), 1008, "ping flood");
        return;
      }
      if (verdict == PongsOwed.Ping.UNANSWERED) {
        in.skip(headerLength + length); // not handed to OkHttp, whose pong queue has no bound
        return;
      }
    } else if (opcode == OPCODE_PONG) {
      pongsReceived++;
      tripped.pong();
    }
    passFrame(headerLength, length);
  }

  /**
   * Inflates a compressed frame's payload as it arrives; at the message's last frame hands OkHttp
   * the inflated message as one plain frame.
   */
  private boolean compressedFrame(int opcode, boolean fin, int headerLength, long length) throws IOException {
    if (opcode != OPCODE_CONTINUATION) {
      compressedOpcode = opcode;
      inflater.begin(opcode == OPCODE_TEXT);
    }
    messageBytes = FrameHeader.saturatedAdd(messageBytes, length);
    if (messageBytes > compressedBound) {
      trip(Api.get().messageTooLarge("the server sent a compressed message of at least " + messageBytes
          + " compressed bytes; the bound on compressed bytes is " + compressedBound
          + " (SteadySocketBuilder.maxInboundMessageSize + 1/8 + 1 KiB)"), 1009, "message too large");
      return true;
    }
    in.skip(headerLength);
    while (length > 0) {
      if (in.size() == 0 && timeout.readRest(upstream, in) == -1) return false;
      long n = Math.min(length, in.size());
      length -= n;
      if (!inflater.inflate(in, n)) {
        refuseInflated();
        return true;
      }
    }
    if (!fin) return true;
    int messageOpcode = compressedOpcode;
    compressedOpcode = -1;
    if (!inflater.finish()) {
      refuseInflated();
      return true;
    }
    Buffer message = inflater.message();
    FrameHeader.write(out, messageOpcode, message.size());
    out.writeAll(message);
    return true;
  }

  /** What stopped the inflater: the limit, or text that is not UTF-8. */
  private void refuseInflated() {
    if (inflater.invalidUtf8()) {
      invalidUtf8();
    } else {
      tooLarge(inflater.inflatedBytes(), " (inflated)");
    }
  }

  private void invalidUtf8() {
    trip(Api.get().protocolViolation(1007,
        "the server sent a text message or close reason that is not valid UTF-8 (RFC 6455 8.1)", null),
        1007, "invalid UTF-8");
  }

  private void tooLarge(long bytes, String inflated) {
    trip(Api.get().messageTooLarge("the server sent a message of at least " + bytes + " bytes" + inflated
        + "; the limit is " + maxMessageBytes + " (SteadySocketBuilder.maxInboundMessageSize)"), 1009, "message too large");
  }

  private void protocolError(String message) {
    trip(Api.get().protocolViolation(1002, message, null), 1002, "protocol error");
  }

  /** Hands OkHttp a close frame in place of what broke the limit, then the end of the stream. */
  private void trip(SteadySocketException error, int code, String reason) {
    tripped.tripped(error, code);
    byte[] reasonBytes = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    endOkHttpMessage();
    out.writeByte(0x88).writeByte(2 + reasonBytes.length).writeShort(code).write(reasonBytes);
    finished = true;
    in.clear();
    if (inflater != null) inflater.clear();
  }

  /** Before a close frame: ends the message OkHttp holds, if any (see {@link #okHttpMidMessage}). */
  private void endOkHttpMessage() {
    if (!okHttpMidMessage) return;
    tripped.endedMidMessage();
    out.writeByte(0x80).writeByte(0);
    okHttpMidMessage = false;
  }

  /** Moves a whole header to {@link #out} and lets the payload follow as it arrives. */
  private void passFrame(int headerLength, long length) {
    out.write(in, headerLength);
    passThrough = Math.max(0, length);
  }

  /**
   * Reads until {@code n} bytes wait in {@link #in}; false if the stream ends first. The wait for a
   * frame's first byte is untimed, as OkHttp's reader makes it; the rest is timed.
   */
  private boolean require(long n) throws IOException {
    while (in.size() < n) {
      if ((in.size() == 0 ? upstream.read(in, 8192) : timeout.readRest(upstream, in)) == -1) return false;
    }
    return true;
  }

  @Override
  public Timeout timeout() {
    return timeout;
  }

  @Override
  public void close() throws IOException {
    upstream.close();
  }
}
