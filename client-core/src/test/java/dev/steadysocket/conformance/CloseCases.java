package dev.steadysocket.conformance;

import static dev.steadysocket.conformance.Expect.text;
import static dev.steadysocket.conformance.Frames.BINARY;
import static dev.steadysocket.conformance.Frames.CLOSE;
import static dev.steadysocket.conformance.Frames.CONTINUATION;
import static dev.steadysocket.conformance.Frames.FIN;
import static dev.steadysocket.conformance.Frames.PING;
import static dev.steadysocket.conformance.Frames.RSV1;
import static dev.steadysocket.conformance.Frames.TEXT;
import static dev.steadysocket.conformance.Frames.closePayload;
import static dev.steadysocket.conformance.Frames.frame;
import static dev.steadysocket.conformance.Frames.utf8;

import dev.steadysocket.conformance.Scripts.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Autobahn's case class 7 (close handling), generated. The server starts the closing handshake
 * (with frames around it) and the client must answer it once, deliver nothing that follows it, and
 * end the TCP connection; a malformed close must fail the connection instead. Close codes follow
 * RFC 6455 7.4 and the IANA registry: 1012–1014 (Service Restart, Try Again Later, Bad Gateway) are
 * registered and valid, though Autobahn's list predates them and calls them invalid.
 *
 * <p>Stateless; the test's thread.
 */
final class CloseCases {
  private CloseCases() {}

  static final int[] VALID = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999};
  static final int[] INVALID = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535};

  private static final byte[] CLOSE_1000 = frame(FIN | CLOSE, closePayload(1000, new byte[0]));

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    byte[] hello = utf8("Hello World!");
    cases.add(Case.of("7.1.1", "Send a text message; after its echo a close 1000", "Echo, then the close answered with 1000",
        null, Scripts.echo(Mode.FRAMES, 1, 0, frame(FIN | TEXT, hello)), Expect.echo(List.of(text(hello)))));
    cases.add(Case.of("7.1.2", "Send a close 1000 twice", "One close answered (1000); the second ignored", null,
        closeThen(CLOSE_1000), answered(Set.of(1000), false)));
    cases.add(Case.of("7.1.3", "Send a close 1000, then a ping", "The close answered (1000); no pong", null,
        closeThen(frame(FIN | PING, utf8("ping after close"))), answered(Set.of(1000), false)));
    cases.add(Case.of("7.1.4", "Send a close 1000, then a text message", "The close answered (1000); nothing delivered",
        null, closeThen(frame(FIN | TEXT, hello)), answered(Set.of(1000), false)));
    // Ten runs: whether the answer is written before the connection drops depends on thread timing.
    List<Case.Run> runs = new ArrayList<>();
    for (int k = 1; k <= 10; k++) {
      runs.add(new Case.Run("a run", null, p -> {
        p.sendRaw(Frames.concat(frame(TEXT, utf8("fragment1")), CLOSE_1000, frame(FIN | CONTINUATION, utf8("fragment2"))));
        p.awaitEnd(Peer.PATIENCE_MILLIS);
      }, answered(Set.of(1000), false)));
    }
    cases.add(new Case("7.1.5", "Send the first fragment of a text message, a close 1000, then the last fragment (10 runs)",
        "The close answered (1000) every time; the message never delivered", runs));
    cases.add(closeMidMessage("7.1.6", "a binary message", "a close 4001", null, p -> {
      p.sendRaw(Frames.concat(frame(BINARY, utf8("fragment1")), frame(FIN | CLOSE, closePayload(4001, new byte[0])),
          frame(FIN | CONTINUATION, utf8("fragment2"))));
      p.awaitEnd(Peer.PATIENCE_MILLIS);
    }, 4001));
    cases.add(closeMidMessage("7.1.7", "a compressed text message", "a close 1001", "permessage-deflate", p -> {
      byte[] deflated = p.compress(Frames.filled(3000, 'a'));
      int half = deflated.length / 2;
      p.sendRaw(Frames.concat(frame(RSV1 | TEXT, java.util.Arrays.copyOf(deflated, half)),
          frame(FIN | CLOSE, closePayload(1001, new byte[0])),
          frame(FIN | CONTINUATION, java.util.Arrays.copyOfRange(deflated, half, deflated.length))));
      p.awaitEnd(Peer.PATIENCE_MILLIS);
    }, 1001));
    cases.add(Case.of("7.3.1", "Send a close with an empty payload", "The close answered (empty, or 1000)", null,
        closeFrame(new byte[0]), answered(Set.of(1000), true)));
    cases.add(Case.of("7.3.2", "Send a close with a 1-byte payload", "Fail the connection (1002)", null,
        closeFrame(new byte[] {0x03}), Expect.fail(1002, List.of())));
    cases.add(Case.of("7.3.3", "Send a close 1000 without a reason", "The close answered (1000)", null,
        closeFrame(closePayload(1000, new byte[0])), answered(Set.of(1000), false)));
    cases.add(Case.of("7.3.4", "Send a close 1000 with the reason \"Hello World!\"", "The close answered (1000)", null,
        closeFrame(closePayload(1000, hello)), answered(Set.of(1000), false)));
    cases.add(Case.of("7.3.5", "Send a close 1000 with a 123-byte reason (the maximum)", "The close answered (1000)", null,
        closeFrame(closePayload(1000, Frames.filled(123, '*'))), answered(Set.of(1000), false)));
    cases.add(Case.of("7.3.6", "Send a close 1000 with a 124-byte reason (a 126-byte payload)", "Fail the connection (1002)",
        null, closeFrame(closePayload(1000, Frames.filled(124, '*'))), Expect.fail(1002, List.of())));
    byte[] badReason = Frames.unhex(Utf8Vectors.KOSME + "eda080656469746564");
    cases.add(Case.of("7.5.1", "Send a close 1000 whose reason is not UTF-8 (κόσμε, ED A0 80, \"edited\")",
        "Fail the connection (1007)", null, closeFrame(closePayload(1000, badReason)), Expect.fail(1007, List.of())));
    for (int i = 0; i < VALID.length; i++) {
      int code = VALID[i];
      cases.add(Case.of("7.7." + (i + 1), "Send a close with the valid code " + code
              + (code >= 1012 && code <= 1014 ? " (IANA-registered; Autobahn's list calls it invalid)" : ""),
          "The close answered (" + code + " or 1000)", null, closeFrame(closePayload(code, new byte[0])),
          answered(new java.util.HashSet<>(List.of(code, 1000)), false)));
    }
    for (int i = 0; i < INVALID.length; i++) {
      int code = INVALID[i];
      cases.add(Case.of("7.9." + (i + 1), "Send a close with the invalid code " + code, "Fail the connection (1002)", null,
          closeFrame(closePayload(code, new byte[0])), invalidCode(code)));
    }
    return cases;
  }

  private static Peer.Script closeFrame(byte[] payload) {
    return closeThen(frame(FIN | CLOSE, payload));
  }

  /** A close frame alone, or a close 1000 followed by {@code after} (a second close, a ping, text) in one write. */
  private static Peer.Script closeThen(byte[] after) {
    return p -> {
      p.sendRaw(after == CLOSE_1000 || (after[0] & 0x0f) != CLOSE ? Frames.concat(CLOSE_1000, after) : after);
      p.awaitEnd(Peer.PATIENCE_MILLIS);
    };
  }

  /**
   * The client answers the server's close once, with one of {@code codes} (or an empty payload if
   * {@code emptyToo}), delivers nothing, and ends the TCP connection.
   */
  /** A close (with its own code, which must be echoed) between the fragments of {@code what} (10 runs). */
  private static Case closeMidMessage(String id, String what, String close, String extensions, Peer.Script script, int code) {
    List<Case.Run> runs = new ArrayList<>();
    for (int k = 1; k <= 10; k++) runs.add(new Case.Run("a run", extensions, script, answered(Set.of(code), false)));
    return new Case(id, "Send the first fragment of " + what + ", " + close + ", then the last fragment (10 runs)",
        "The close answered with its code (" + code + ") every time; the message never delivered", runs);
  }

  static Case.Judge answered(Set<Integer> codes, boolean emptyToo) {
    return o -> {
      List<Event> got = Expect.frames(o);
      if (!o.app.messages.isEmpty()) return Expect.failed(o, "the application received a message after the close");
      if (got.isEmpty() || got.get(0).kind != Event.Kind.CLOSE) {
        return Expect.failed(o, got.isEmpty() ? "no answer" : got.get(0).kind == Event.Kind.END
            ? "the connection ended without a close frame in answer (RFC 6455 5.5.1: an endpoint MUST answer a close)"
            : "answered with " + got.get(0) + ", not a close frame");
      }
      Event close = got.get(0);
      if (!(codes.contains(close.code) || emptyToo && close.code < 0)) {
        return Expect.failed(o, "answered with " + close + ", not " + codes);
      }
      if (close.payload.length > 2 && !Utf8Vectors.strictlyValid(Frames.slice(close.payload, 2, close.payload.length))) {
        return Expect.failed(o, "the close reason is not UTF-8");
      }
      if (got.size() != 2 || got.get(1).kind != Event.Kind.END) return Expect.failed(o, "sent " + got.get(1) + " after its close");
      if (!got.get(1).note.isEmpty()) return Expect.failed(o, got.get(1).toString());
      return Expect.ok(o);
    };
  }

  /** An invalid code must fail the connection: echoing it, or answering 1000, is FAILED. */
  private static Case.Judge invalidCode(int code) {
    return o -> {
      for (Event e : o.server) {
        if (e.kind == Event.Kind.CLOSE && e.code == code) return Expect.failed(o, "answered with the invalid code " + code);
      }
      return Expect.fail(1002, List.of()).judge(o);
    };
  }
}
