package dev.steadysocket.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RFC 6455 frame bytes as the conformance server writes them (unmasked, any bits, opcode and
 * length) and small byte helpers: deterministic test data, hex, UTF-8 and close payloads.
 *
 * <p>Stateless; any thread.
 */
final class Frames {
  static final int FIN = 0x80, RSV1 = 0x40, RSV2 = 0x20, RSV3 = 0x10;
  static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

  private Frames() {}

  /** A whole frame: {@code b0} is FIN, RSV and opcode; the length is the payload's. */
  static byte[] frame(int b0, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 10);
    out.write(b0);
    long length = payload.length;
    if (length < 126) {
      out.write((int) length);
    } else if (length <= 0xffff) {
      out.write(126);
      out.write((int) (length >>> 8));
      out.write((int) length);
    } else {
      out.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (length >>> shift));
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** A close payload: the code (none if negative) and the reason's bytes as given. */
  static byte[] closePayload(int code, byte[] reason) {
    if (code < 0) return new byte[0];
    byte[] p = new byte[2 + reason.length];
    p[0] = (byte) (code >>> 8);
    p[1] = (byte) code;
    System.arraycopy(reason, 0, p, 2, reason.length);
    return p;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  static byte[] unhex(String hex) {
    String h = hex.replace(" ", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    return b;
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02x", x & 0xff));
    return s.toString();
  }

  /** {@code n} bytes of {@code value}. */
  static byte[] filled(int n, char value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static final String[] WORDS = {
      "socket", "frame", "deflate", "window", "κόσμε", "close", "ping", "pong", "message", "UTF-8",
      "fragment", "\uD83D\uDE00", "reserved", "opcode", "mask", "echo", "payload", "context", "bits",
      "takeover"};

  /**
   * {@code n} bytes of deterministic text (words from a small vocabulary, multi-byte characters
   * included, picked by a fixed-seed generator): compressible, and always valid UTF-8 of exactly
   * {@code n} bytes (padded with ASCII where a word would not fit).
   */
  static byte[] text(int n, long seed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    long x = seed * 6364136223846793005L + 1442695040888963407L;
    while (out.size() < n) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      byte[] w = utf8(WORDS[(int) ((x >>> 33) % WORDS.length)] + " ");
      if (out.size() + w.length <= n) {
        out.writeBytes(w);
      } else {
        out.write('.');
      }
    }
    return out.toByteArray();
  }

  /** {@code n} deterministic bytes: runs of a generator's bytes mixed with repeats of earlier ones. */
  static byte[] binary(int n, long seed) {
    byte[] b = new byte[n];
    long x = seed * 2862933555777941757L + 3037000493L;
    for (int i = 0; i < n; i++) {
      x = x * 2862933555777941757L + 3037000493L;
      b[i] = i >= 64 && ((x >>> 40) & 3) == 0 ? b[i - 1 - (int) ((x >>> 20) & 63)] : (byte) (x >>> 56);
    }
    return b;
  }
}
