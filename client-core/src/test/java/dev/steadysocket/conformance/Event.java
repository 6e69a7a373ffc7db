package dev.steadysocket.conformance;

import java.util.Arrays;

/**
 * One thing the conformance server saw from the client (a message, ping, pong, close frame, the
 * end of the TCP connection, a frame it could not accept) or a marker the case's script set.
 *
 * <p>Immutable; created on a connection's reader or script thread, read by the case's judge.
 */
final class Event {
  enum Kind { TEXT, BINARY, PING, PONG, CLOSE, END, BAD, MARK }

  final Kind kind;
  final byte[] payload;
  /** RSV1 was set on the client's message. */
  final boolean compressed;
  /** An expected message that may come compressed or not (the client chooses). */
  private boolean anyCompression;
  /** CLOSE: the code, or -1 for an empty close payload. END/BAD/MARK: a deterministic note. */
  final int code;
  final String note;

  private Event(Kind kind, byte[] payload, boolean compressed, int code, String note) {
    this.kind = kind;
    this.payload = payload;
    this.compressed = compressed;
    this.code = code;
    this.note = note;
  }

  static Event message(boolean text, byte[] payload, boolean compressed) {
    return new Event(text ? Kind.TEXT : Kind.BINARY, payload, compressed, 0, "");
  }

  /** An expected message the client may send compressed or not. */
  static Event messageAnyCompression(boolean text, byte[] payload) {
    Event e = new Event(text ? Kind.TEXT : Kind.BINARY, payload, false, 0, "");
    e.anyCompression = true;
    return e;
  }

  static Event control(Kind kind, byte[] payload) {
    int code = -1;
    if (kind == Kind.CLOSE && payload.length >= 2) code = (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
    return new Event(kind, payload, false, code, "");
  }

  static Event note(Kind kind, String note) {
    return new Event(kind, new byte[0], false, 0, note);
  }

  boolean isMessage() {
    return kind == Kind.TEXT || kind == Kind.BINARY;
  }

  /** Same kind and payload (for messages, also the same compression). */
  boolean sameAs(Event o) {
    return kind == o.kind && Arrays.equals(payload, o.payload) && code == o.code
        && (!isMessage() || anyCompression || o.anyCompression || compressed == o.compressed);
  }

  /** The report's form: deterministic, payloads by size only. */
  @Override
  public String toString() {
    switch (kind) {
      case TEXT:
      case BINARY:
        return kind.name().toLowerCase() + "(" + payload.length + (compressed ? ", deflated" : "") + ")";
      case PING:
      case PONG:
        return kind.name().toLowerCase() + "(" + payload.length + ")";
      case CLOSE:
        return code < 0 ? "close(empty)" : "close " + code + (payload.length > 2 ? "+reason(" + (payload.length - 2) + ")" : "");
      default:
        return kind == Kind.END ? "tcp end" + (note.isEmpty() ? "" : " (" + note + ")") : kind == Kind.MARK ? note : kind.name().toLowerCase() + " " + note;
    }
  }
}
