package dev.steadysocket.bench.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 framing for the benchmark servers: encodes frames (unmasked from the server, masked
 * from a client) and parses frames in place, without allocating, so the servers are never the
 * bottleneck they measure against.
 */
public final class Frames {
  public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private Frames() {}

  /** The Sec-WebSocket-Accept value for a Sec-WebSocket-Key. */
  public static String acceptKey(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1")
          .digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** A final server-to-client (unmasked) frame. */
  public static byte[] serverFrame(int opcode, byte[] payload) {
    return frame(opcode, payload, 0, payload.length, false, 0);
  }

  /** A final client-to-server frame masked with {@code mask}. */
  public static byte[] clientFrame(int opcode, byte[] payload, int mask) {
    return frame(opcode, payload, 0, payload.length, true, mask);
  }

  public static int headerLength(long payloadLength, boolean masked) {
    int n = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    return masked ? n + 4 : n;
  }

  public static byte[] frame(int opcode, byte[] src, int off, int len, boolean masked, int mask) {
    byte[] out = new byte[headerLength(len, masked) + len];
    int p = writeHeader(out, 0, opcode, len, masked, mask);
    System.arraycopy(src, off, out, p, len);
    if (masked) applyMask(out, p, len, mask, 0);
    return out;
  }

  /** Writes a final frame's header at {@code at}; returns where the payload starts. */
  public static int writeHeader(byte[] out, int at, int opcode, long len, boolean masked, int mask) {
    int p = at;
    out[p++] = (byte) (0x80 | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (len < 126) {
      out[p++] = (byte) (maskBit | len);
    } else if (len <= 0xFFFF) {
      out[p++] = (byte) (maskBit | 126);
      out[p++] = (byte) (len >>> 8);
      out[p++] = (byte) len;
    } else {
      out[p++] = (byte) (maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) out[p++] = (byte) (len >>> shift);
    }
    if (masked) {
      out[p++] = (byte) (mask >>> 24);
      out[p++] = (byte) (mask >>> 16);
      out[p++] = (byte) (mask >>> 8);
      out[p++] = (byte) mask;
    }
    return p;
  }

  /** XORs {@code len} bytes at {@code off} with the mask, starting at mask byte {@code phase}. */
  public static void applyMask(byte[] b, int off, int len, int mask, int phase) {
    for (int i = 0; i < len; i++) {
      b[off + i] ^= (byte) (mask >>> (8 * (3 - ((i + phase) & 3))));
    }
  }

  /** A parsed frame header; reused by one reader. */
  public static final class Header {
    public boolean fin;
    public int opcode;
    public boolean masked;
    public int mask;
    public int headerLength;
    public long payloadLength;

    public long frameLength() {
      return headerLength + payloadLength;
    }
  }

  /**
   * Parses the header at {@code off} into {@code h}.
   *
   * @return false if fewer than a whole header's bytes are available
   */
  public static boolean parseHeader(byte[] b, int off, int available, Header h) {
    if (available < 2) return false;
    int b0 = b[off] & 0xFF, b1 = b[off + 1] & 0xFF;
    h.fin = (b0 & 0x80) != 0;
    h.opcode = b0 & 0x0F;
    h.masked = (b1 & 0x80) != 0;
    long len = b1 & 0x7F;
    int p = 2;
    if (len == 126) {
      if (available < 4) return false;
      len = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
      p = 4;
    } else if (len == 127) {
      if (available < 10) return false;
      len = 0;
      for (int i = 0; i < 8; i++) len = (len << 8) | (b[off + 2 + i] & 0xFF);
      p = 10;
    }
    if (h.masked) {
      if (available < p + 4) return false;
      h.mask = ((b[off + p] & 0xFF) << 24) | ((b[off + p + 1] & 0xFF) << 16)
          | ((b[off + p + 2] & 0xFF) << 8) | (b[off + p + 3] & 0xFF);
      p += 4;
    } else {
      h.mask = 0;
    }
    h.headerLength = p;
    h.payloadLength = len;
    return true;
  }

  /** Builds the 101 response for a raw HTTP upgrade request, or null if it is not one. */
  public static byte[] handshakeResponse(String request) {
    String key = header(request, "Sec-WebSocket-Key");
    if (key == null) return null;
    return ("HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The request target of an HTTP request's first line ("/blast?n=1"). */
  public static String requestTarget(String request) {
    int sp1 = request.indexOf(' ');
    int sp2 = request.indexOf(' ', sp1 + 1);
    return sp1 < 0 || sp2 < 0 ? "/" : request.substring(sp1 + 1, sp2);
  }

  /** A header's value, case-insensitive name, or null. */
  public static String header(String request, String name) {
    for (String line : request.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** A query parameter of a request target, or {@code fallback}. */
  public static String param(String target, String name, String fallback) {
    int q = target.indexOf('?');
    if (q < 0) return fallback;
    for (String kv : target.substring(q + 1).split("&")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      if (k.equals(name)) return eq < 0 ? "" : kv.substring(eq + 1);
    }
    return fallback;
  }

  /** The path of a request target, without the query. */
  public static String path(String target) {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }
}
