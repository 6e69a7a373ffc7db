package dev.steadysocket.internal;

import okio.Buffer;

/**
 * Checks that bytes are well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF) as they arrive, in any number of pieces: a character may be
 * split anywhere. One pass, no decoding, nothing allocated; an ASCII run costs one compare a byte.
 * Only a message's text is checked here: whole messages are never buffered for it.
 *
 * <p><b>Threading:</b> one thread at a time (OkHttp's reader, through {@link InboundFrames}).
 */
final class Utf8Validator {
  /** Continuation bytes the current character still needs (0: between characters). */
  private int need;
  /** The range the next continuation byte must fall in (narrower right after some lead bytes). */
  private int lower = 0x80;
  private int upper = 0xbf;
  private boolean failed;
  /** Reused: a cursor per call would allocate on every frame. */
  private final Buffer.UnsafeCursor cursor = new Buffer.UnsafeCursor();

  /** Starts a new text: forgets any character in progress and any failure. */
  void reset() {
    need = 0;
    lower = 0x80;
    upper = 0xbf;
    failed = false;
  }

  /** Whether the bytes so far end between characters and none was malformed. */
  boolean complete() {
    return !failed && need == 0;
  }

  /** The text ends here: {@link #complete}, and if not, failed from now on (until {@link #reset}). */
  boolean finish() {
    if (need != 0) failed = true;
    return !failed;
  }

  /** Takes {@code data[from..to)}; false once any byte so far was malformed. */
  boolean update(byte[] data, int from, int to) {
    if (failed) return false;
    int i = from;
    while (i < to) {
      if (need == 0) {
        // ASCII between characters: the common case, one compare a byte.
        while (i < to && data[i] >= 0) i++;
        if (i == to) break;
      }
      if (!accept(data[i] & 0xff)) {
        failed = true;
        return false;
      }
      i++;
    }
    return true;
  }

  /** Takes {@code byteCount} bytes of {@code buffer} from {@code offset}, without moving them. */
  boolean update(Buffer buffer, long offset, long byteCount) {
    if (byteCount == 0) return !failed;
    try (Buffer.UnsafeCursor cursor = buffer.readUnsafe(this.cursor)) {
      long end = offset + byteCount;
      for (long pos = offset; pos < end; ) {
        cursor.seek(pos);
        int n = (int) Math.min(cursor.end - cursor.start, end - pos);
        if (!update(cursor.data, cursor.start, cursor.start + n)) return false;
        pos += n;
      }
    }
    return true;
  }

  private boolean accept(int b) {
    if (need > 0) {
      if (b < lower || b > upper) return false;
      lower = 0x80;
      upper = 0xbf;
      need--;
      return true;
    }
    if (b < 0x80) return true;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b == 0xe0) lower = 0xa0; // no overlong 3-byte forms
      if (b == 0xed) upper = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b == 0xf0) lower = 0x90; // no overlong 4-byte forms
      if (b == 0xf4) upper = 0x8f; // nothing above U+10FFFF
    } else {
      return false; // a continuation byte with no lead, C0, C1, F5..FF
    }
    return true;
  }
}
