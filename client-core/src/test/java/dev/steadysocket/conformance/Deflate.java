package dev.steadysocket.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) for the conformance server, one object per direction.
 *
 * <p>{@link Compressor} is the server's own deflate encoder: fixed-Huffman blocks (RFC 1951
 * 3.2.6) from a greedy LZ77 whose back-references are never farther than {@code 2^windowBits}
 * bytes, by construction (every candidate match is checked against that distance), so a stream
 * honours the {@code server_max_window_bits} the server answered — {@code java.util.zip.Deflater}
 * cannot be told a window. Matches reach into earlier messages only with context takeover. Each
 * message ends like a SYNC_FLUSH (an empty stored block) with its {@code 00 00 ff ff} removed.
 * Every stream it writes is checked by a shadow {@link Inflater} that follows the same context
 * rules before it is sent: a bug here throws instead of being blamed on the client.
 *
 * <p>{@link Decompressor} inflates the client's RSV1 messages: with {@code client_no_context_takeover}
 * answered, each with a fresh inflater, so a client that keeps its window fails to inflate.
 *
 * <p><b>Threading:</b> a Compressor is used by one case's script thread, a Decompressor by one
 * connection's reader thread.
 */
final class Deflate {
  private Deflate() {}

  private static final int[] LBASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
      59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  private static final int[] LEXT = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
      5, 5, 5, 5, 0};
  private static final int[] DBASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
      513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  private static final int[] DEXT = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
      11, 11, 12, 12, 13, 13};
  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  static final class Compressor {
    private final int maxDistance;
    private final boolean noContextTakeover;
    private byte[] history = new byte[0];
    private Inflater shadow = new Inflater(true);
    /** The largest back-reference distance written so far (for the report's claims). */
    int farthest;

    Compressor(int windowBits, boolean noContextTakeover) {
      this.maxDistance = 1 << windowBits;
      this.noContextTakeover = noContextTakeover;
    }

    byte[] compress(byte[] message) {
      byte[] prior = noContextTakeover ? new byte[0] : history;
      byte[] buf = Frames.concat(prior, message);
      Bits out = new Bits();
      out.bits(0, 1); // BFINAL 0
      out.bits(1, 2); // BTYPE 01: fixed Huffman
      int[] head = new int[1 << 16];
      Arrays.fill(head, -1);
      for (int p = 0; p + 3 <= prior.length; p++) head[hash(buf, p)] = p;
      int p = prior.length;
      while (p < buf.length) {
        int len = 0, dist = 0;
        if (p + 3 <= buf.length) {
          int cand = head[hash(buf, p)];
          if (cand >= 0 && p - cand <= maxDistance) {
            int max = Math.min(258, buf.length - p);
            while (len < max && buf[cand + len] == buf[p + len]) len++;
            dist = p - cand;
          }
          head[hash(buf, p)] = p;
        }
        if (len >= 3) {
          out.length(len);
          out.distance(dist);
          farthest = Math.max(farthest, dist);
          for (int q = p + 1; q < p + len && q + 3 <= buf.length; q++) head[hash(buf, q)] = q;
          p += len;
        } else {
          out.literal(buf[p] & 0xff);
          p++;
        }
      }
      out.literal(256); // end of block
      out.bits(0, 3); // an empty stored block, BFINAL 0; its 00 00 ff ff is left out (RFC 7692 7.2.1)
      byte[] wire = out.bytes();
      history = Arrays.copyOfRange(buf, Math.max(0, buf.length - 32768), buf.length);
      check(message, wire);
      return wire;
    }

    private void check(byte[] message, byte[] wire) {
      if (noContextTakeover) shadow = new Inflater(true);
      try {
        byte[] back = inflate(shadow, wire);
        if (!Arrays.equals(back, message)) throw new IllegalStateException("Deflate.Compressor wrote a wrong stream");
      } catch (DataFormatException e) {
        throw new IllegalStateException("Deflate.Compressor wrote an invalid stream", e);
      }
    }

    private static int hash(byte[] b, int p) {
      return ((b[p] & 0xff) << 8 ^ (b[p + 1] & 0xff) << 4 ^ (b[p + 2] & 0xff) * 31) & 0xffff;
    }
  }

  static final class Decompressor {
    private final boolean noContextTakeover;
    private Inflater inflater = new Inflater(true);

    Decompressor(boolean noContextTakeover) {
      this.noContextTakeover = noContextTakeover;
    }

    byte[] decompress(byte[] payload) throws DataFormatException {
      if (noContextTakeover) inflater = new Inflater(true);
      return inflate(inflater, payload);
    }
  }

  /** Inflates one message's payload plus RFC 7692's implied tail. */
  static byte[] inflate(Inflater inflater, byte[] payload) throws DataFormatException {
    inflater.setInput(Frames.concat(payload, TAIL));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    while (true) {
      int n = inflater.inflate(chunk);
      if (n > 0) {
        out.write(chunk, 0, n);
      } else if (inflater.needsInput() || inflater.finished()) {
        return out.toByteArray();
      } else {
        throw new DataFormatException("inflater stalled");
      }
    }
  }

  /** An LSB-first bit writer with RFC 1951's fixed Huffman codes. */
  private static final class Bits {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int acc, n;

    void bits(int value, int count) {
      for (int i = 0; i < count; i++) {
        acc |= ((value >>> i) & 1) << n;
        if (++n == 8) {
          out.write(acc);
          acc = 0;
          n = 0;
        }
      }
    }

    /** A Huffman code: most significant bit first. */
    void code(int code, int length) {
      for (int i = length - 1; i >= 0; i--) bits((code >>> i) & 1, 1);
    }

    void literal(int v) {
      if (v < 144) code(0x30 + v, 8);
      else if (v < 256) code(0x190 + v - 144, 9);
      else if (v < 280) code(v - 256, 7);
      else code(0xc0 + v - 280, 8);
    }

    void length(int len) {
      int i = LBASE.length - 1;
      while (LBASE[i] > len) i--;
      literal(257 + i);
      bits(len - LBASE[i], LEXT[i]);
    }

    void distance(int dist) {
      int j = DBASE.length - 1;
      while (DBASE[j] > dist) j--;
      code(j, 5);
      bits(dist - DBASE[j], DEXT[j]);
    }

    byte[] bytes() {
      if (n > 0) out.write(acc);
      acc = 0;
      n = 0;
      return out.toByteArray();
    }
  }
}
