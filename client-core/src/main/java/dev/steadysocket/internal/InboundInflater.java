package dev.steadysocket.internal;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Inflates the server's compressed messages (permessage-deflate, RFC 7692) for {@link
 * InboundFrames} as their compressed bytes arrive, never holding more than one 8 KiB piece of
 * them, and collects the inflated message, refusing it as soon as it grows past the limit. Every
 * inflated byte passes through {@link #inflated}, the one place to check them.
 *
 * <p>The window is kept from message to message (context takeover) unless the server promised
 * {@code server_no_context_takeover}, and restarts after a stream that ended itself (a final
 * block), whose trailing bytes are ignored as OkHttp ignores them.
 *
 * <p><b>Threading:</b> OkHttp's reader thread only (through {@link InboundFrames}).
 */
final class InboundInflater {
  private static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
  private static final int CHUNK = 8192;

  private final long maxInflatedBytes;
  private final boolean serverNoContextTakeover;
  /** Allocated at the first compressed message, with the two chunks. */
  private @Nullable Inflater inflater;
  /** Compressed bytes being inflated; the inflater reads them until it needs more. */
  private byte @Nullable [] input;
  private byte @Nullable [] output;
  /** The inflated message so far. */
  private final Buffer message = new Buffer();
  /** Checks a text message's inflated bytes as they come (RFC 6455 8.1). */
  private final Utf8Validator utf8 = new Utf8Validator();
  private boolean text;

  InboundInflater(long maxInflatedBytes, boolean serverNoContextTakeover) {
    this.maxInflatedBytes = maxInflatedBytes;
    this.serverNoContextTakeover = serverNoContextTakeover;
  }

  /**
   * Starts a message: a fresh window if the server asked for it or its last stream ended.
   *
   * @param text whether the message is text, whose inflated bytes must be UTF-8
   */
  void begin(boolean text) {
    this.text = text;
    utf8.reset();
    Inflater inf = inflater;
    if (inf == null) {
      inflater = new Inflater(true);
      input = new byte[CHUNK];
      output = new byte[CHUNK];
    } else if (serverNoContextTakeover || inf.finished()) {
      inf.reset();
    }
    message.clear();
  }

  /**
   * Inflates the next {@code byteCount} compressed bytes of the message from {@code source}, which
   * must hold them.
   *
   * @return false once the message inflated past the limit or is text that is not UTF-8 (it then
   *     stops; {@link #invalidUtf8} says which)
   * @throws ProtocolException if the bytes are not a deflate stream
   */
  boolean inflate(Buffer source, long byteCount) throws IOException {
    byte[] in = input;
    while (byteCount > 0) {
      int n = source.read(in, 0, (int) Math.min(byteCount, in.length));
      byteCount -= n;
      if (!inflateInput(in, n)) return false;
    }
    return true;
  }

  /**
   * Ends the message: inflates RFC 7692's implied tail ({@code 00 00 ff ff}).
   *
   * @return false if the message inflated past the limit or is text that is not UTF-8 (a
   *     character left unfinished included)
   */
  boolean finish() throws IOException {
    return inflateInput(DEFLATE_TAIL, DEFLATE_TAIL.length) && (!text || utf8.complete());
  }

  /** Whether the message was stopped for text that is not UTF-8, not for its size. */
  boolean invalidUtf8() {
    return text && !utf8.complete() && message.size() <= maxInflatedBytes;
  }

  /** The inflated message, once {@link #finish} returned true; the caller takes its bytes. */
  Buffer message() {
    return message;
  }

  /** Inflated bytes of the message so far. */
  long inflatedBytes() {
    return message.size();
  }

  /** Forgets the message in progress (a refusal). */
  void clear() {
    message.clear();
  }

  /** Inflates all of {@code in[0..n)}: the inflater must not keep a reference into a reused array. */
  private boolean inflateInput(byte[] in, int n) throws ProtocolException {
    Inflater inf = inflater;
    byte[] out = output;
    if (inf.finished()) return true; // the stream ended itself: the rest of the message is ignored
    inf.setInput(in, 0, n);
    try {
      // Returns 0 once all input is consumed (needsInput) or the stream ended (finished); a raw
      // inflater never needs a dictionary, and with output room it never stalls otherwise.
      for (int k; !inf.finished() && (k = inf.inflate(out)) > 0; ) {
        if (!inflated(out, k)) return false;
      }
    } catch (DataFormatException e) {
      throw new ProtocolException("the server sent a malformed compressed message: " + e.getMessage());
    }
    return true;
  }

  /** Every inflated byte of a message passes here: the one place to check or count them. */
  private boolean inflated(byte[] bytes, int n) {
    if (text && !utf8.update(bytes, 0, n)) return false;
    message.write(bytes, 0, n);
    return message.size() <= maxInflatedBytes;
  }
}
