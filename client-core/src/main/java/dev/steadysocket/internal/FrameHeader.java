package dev.steadysocket.internal;

import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** RFC 6455 frame headers, read in place, judged and written, for {@link InboundFrames}. Stateless. */
final class FrameHeader {
  private FrameHeader() {}

  /** The length of the header whose second byte is {@code b1}: 2 to 14 bytes. */
  static int length(int b1) {
    int len7 = b1 & 0x7f;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
  }

  /** The payload length of the frame whose whole header starts {@code in} (negative if absurd). */
  static long payloadLength(Buffer in, int b1) {
    int len7 = b1 & 0x7f;
    if (len7 == 126) return in.getByte(2) << 8 & 0xff00 | in.getByte(3) & 0xff;
    if (len7 < 126) return len7;
    long v = 0;
    for (int i = 2; i < 10; i++) v = v << 8 | (in.getByte(i) & 0xff);
    return v;
  }

  /** Writes an unmasked final frame header. */
  static void write(Buffer out, int opcode, long length) {
    out.writeByte(0x80 | opcode);
    if (length <= 125) {
      out.writeByte((int) length);
    } else if (length <= 0xffff) {
      out.writeByte(126).writeShort((int) length);
    } else {
      out.writeByte(127).writeLong(length);
    }
  }

  /**
   * What is wrong with the frame's reserved bits (RFC 6455 5.2, RFC 7692 6.1), or null: RSV2 and
   * RSV3 belong to no extension OkHttp negotiates, RSV1 only to the first frame of a data message
   * and only with permessage-deflate.
   */
  static @Nullable String reservedBitViolation(int b0, int opcode, boolean deflate) {
    if ((b0 & 0x30) != 0) return "the server set RSV2 or RSV3, which no negotiated extension defines";
    if ((b0 & 0x40) == 0) return null;
    if ((opcode & 0x08) != 0) return "the server set RSV1 on a control frame";
    if (opcode == 0) return "the server set RSV1 on a continuation frame";
    return deflate ? null : "the server set RSV1 (compressed) without permessage-deflate negotiated";
  }

  /** {@code a + b} for non-negative values, at most {@link Long#MAX_VALUE}. */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
