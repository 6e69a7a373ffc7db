package dev.steadysocket.conformance;

import static dev.steadysocket.conformance.Expect.pong;
import static dev.steadysocket.conformance.Expect.text;
import static dev.steadysocket.conformance.Frames.BINARY;
import static dev.steadysocket.conformance.Frames.CLOSE;
import static dev.steadysocket.conformance.Frames.CONTINUATION;
import static dev.steadysocket.conformance.Frames.FIN;
import static dev.steadysocket.conformance.Frames.PING;
import static dev.steadysocket.conformance.Frames.PONG;
import static dev.steadysocket.conformance.Frames.TEXT;
import static dev.steadysocket.conformance.Frames.frame;
import static dev.steadysocket.conformance.Frames.utf8;

import dev.steadysocket.conformance.Scripts.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * Autobahn's case classes 3 (reserved bits), 4 (reserved opcodes) and 5 (fragmentation),
 * generated. Where Autobahn writes a good frame just before a bad one, the script waits for the
 * good frame's echo first, so the verdict never depends on whether the echo beats the failure.
 *
 * <p>Stateless; the test's thread.
 */
final class ProtocolCases {
  private ProtocolCases() {}

  private static final byte[] HELLO = utf8("Hello, world!");
  private static final byte[] GOOD = frame(FIN | TEXT, HELLO);
  private static final byte[] PING_AFTER = frame(FIN | PING, utf8("must not be answered"));

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    reservedBits(cases);
    reservedOpcodes(cases);
    fragmentation(cases);
    return cases;
  }

  private static String rsvName(int bits) {
    List<String> names = new ArrayList<>();
    if ((bits & Frames.RSV1) != 0) names.add("RSV1");
    if ((bits & Frames.RSV2) != 0) names.add("RSV2");
    if ((bits & Frames.RSV3) != 0) names.add("RSV3");
    return String.join("+", names);
  }

  private static void reservedBits(List<Case> cases) {
    // Autobahn 3.1-3.7: RSV value 1..7 (4 = RSV1, 2 = RSV2, 1 = RSV3) on text, binary, ping, close.
    int[] opcodes = {TEXT, TEXT, TEXT, TEXT, BINARY, PING, CLOSE};
    for (int rsv = 1; rsv <= 7; rsv++) {
      int op = opcodes[rsv - 1];
      byte[] payload = op == CLOSE ? Frames.closePayload(1000, new byte[0]) : op == BINARY ? Frames.unhex("00fffefd") : HELLO;
      cases.add(reservedBitsCase("3." + rsv, rsv << 4, op, payload, rsv != 1));
    }
    // Every single reserved bit on every kind of frame, no extension negotiated.
    String[] kinds = {"text", "binary", "ping", "close"};
    int[] ops = {TEXT, BINARY, PING, CLOSE};
    int n = 1;
    for (int k = 0; k < ops.length; k++) {
      for (int bit : new int[] {Frames.RSV1, Frames.RSV2, Frames.RSV3}) {
        byte[] payload = ops[k] == CLOSE ? Frames.closePayload(1000, new byte[0]) : HELLO;
        cases.add(reservedBitsCase("3.8." + n++, bit, ops[k], payload, true));
      }
    }
  }

  private static Case reservedBitsCase(String id, int bits, int op, byte[] payload, boolean afterEcho) {
    String kind = op == TEXT ? "text" : op == BINARY ? "binary" : op == PING ? "ping" : "close";
    byte[] bad = frame(FIN | bits | op, payload);
    String description = (afterEcho ? "Send a text message; after its echo a " : "Send a ") + kind + " frame with "
        + rsvName(bits) + " set (no extension negotiated)" + (afterEcho ? ", then a ping" : "");
    return Case.of(id, description, (afterEcho ? "Echo; then fail" : "Fail") + " the connection (1002); no pong",
        null, Scripts.failAfter(afterEcho ? GOOD : null, afterEcho ? 1 : 0, Mode.FRAMES, bad, PING_AFTER),
        Expect.fail(1002, afterEcho ? List.of(text(HELLO)) : List.of()));
  }

  private static void reservedOpcodes(List<Case> cases) {
    int[][] groups = {{3, 4, 5, 6, 7}, {11, 12, 13, 14, 15}};
    for (int g = 0; g < 2; g++) {
      for (int i = 0; i < 5; i++) {
        int op = groups[g][i];
        boolean afterEcho = i >= 2; // Autobahn 4.x.3-4.x.5: a text message first, a ping after
        byte[] bad = frame(FIN | op, i == 0 ? new byte[0] : utf8("reserved opcode payload"));
        cases.add(Case.of("4." + (g + 1) + "." + (i + 1),
            (afterEcho ? "Send a text message; after its echo a " : "Send a ") + "frame with the reserved "
                + (g == 0 ? "non-control" : "control") + " opcode " + op + (i == 0 ? "" : " and a payload")
                + (afterEcho ? ", then a ping" : ""),
            (afterEcho ? "Echo; then fail" : "Fail") + " the connection (1002)", null,
            Scripts.failAfter(afterEcho ? GOOD : null, afterEcho ? 1 : 0, Mode.FRAMES, bad, PING_AFTER),
            Expect.fail(1002, afterEcho ? List.of(text(HELLO)) : List.of())));
      }
    }
  }

  private static void fragmentation(List<Case> cases) {
    byte[] f1 = utf8("fragment1"), f2 = utf8("fragment2");
    byte[] start = frame(TEXT, f1), end = frame(FIN | CONTINUATION, f2);
    byte[] whole = Frames.concat(f1, f2);
    cases.add(Case.of("5.1", "Send a ping in 2 fragments", "Fail the connection (1002)", null,
        Scripts.fail(Mode.FRAMES, frame(PING, f1), frame(FIN | CONTINUATION, f2)), Expect.fail(1002, List.of())));
    cases.add(Case.of("5.2", "Send a pong in 2 fragments", "Fail the connection (1002)", null,
        Scripts.fail(Mode.FRAMES, frame(PONG, f1), frame(FIN | CONTINUATION, f2)), Expect.fail(1002, List.of())));
    int id = 3;
    for (Mode m : Mode.values()) {
      cases.add(Case.of("5." + id++, "Send a text message in 2 fragments, " + m.words, "Echoed as one message", null,
          Scripts.echo(m, 1, 0, start, end), Expect.echo(List.of(text(whole)))));
    }
    byte[] ping = utf8("ping payload");
    for (Mode m : Mode.values()) {
      cases.add(Case.of("5." + id++, "Send a text message in 2 fragments with a ping between them, " + m.words,
          "The pong, then the echo", null, Scripts.echo(m, 1, 1, start, frame(FIN | PING, ping), end),
          Expect.echo(List.of(pong(ping), text(whole)))));
    }
    for (boolean fin : new boolean[] {true, false}) {
      for (Mode m : Mode.values()) {
        cases.add(Case.of("5." + id++, "Send a continuation frame with FIN " + fin + " and nothing to continue, then a"
            + " text message in 2 fragments, " + m.words, "Fail the connection (1002)", null,
            Scripts.fail(m, frame((fin ? FIN : 0) | CONTINUATION, f2), start, end), Expect.fail(1002, List.of())));
      }
    }
    // 5.15: a fragmented message, then (after its echo) a stray continuation and a text message.
    cases.add(Case.of("5.15", "Send a text message in 2 fragments; after its echo a continuation with FIN false and"
            + " nothing to continue, then a text message", "Echo; then fail the connection (1002)", null,
        Scripts.failAfter(Frames.concat(start, end), 1, Mode.FRAMES, frame(CONTINUATION, f1), frame(FIN | TEXT, f2)),
        Expect.fail(1002, List.of(text(whole)))));
    for (boolean fin : new boolean[] {false, true}) {
      byte[] stray = frame((fin ? FIN : 0) | CONTINUATION, f1);
      cases.add(Case.of("5." + (fin ? 17 : 16), "Twice: a continuation with FIN " + fin
              + " and nothing to continue, then a text message in 2 fragments", "Fail the connection (1002)", null,
          Scripts.fail(Mode.ONE_CHOP, stray, start, end, stray, start, end), Expect.fail(1002, List.of())));
    }
    cases.add(Case.of("5.18", "Send a text message in 2 fragments whose second frame is a text frame, not a continuation",
        "Fail the connection (1002)", null, Scripts.fail(Mode.FRAMES, start, frame(FIN | TEXT, f2)),
        Expect.fail(1002, List.of())));
    cases.add(multiFragment("5.19", Mode.FRAMES));
    cases.add(multiFragment("5.20", Mode.OCTETS));
  }

  /**
   * Autobahn 5.19/5.20: a text message in 5 fragments; after 2 a ping; after its pong 2 more and
   * another ping; after that pong the last fragment.
   */
  private static Case multiFragment(String id, Mode mode) {
    byte[][] parts = new byte[5][];
    for (int i = 0; i < 5; i++) parts[i] = utf8("fragment" + (i + 1));
    byte[] p1 = utf8("pongme 1!"), p2 = utf8("pongme 2!");
    Peer.Script script = p -> {
      Scripts.write(p, mode, frame(TEXT, parts[0]), frame(CONTINUATION, parts[1]), frame(FIN | PING, p1));
      p.awaitPongs(1);
      Scripts.write(p, mode, frame(CONTINUATION, parts[2]), frame(CONTINUATION, parts[3]), frame(FIN | PING, p2));
      p.awaitPongs(2);
      Scripts.write(p, mode, frame(FIN | CONTINUATION, parts[4]));
      p.awaitMessages(1);
    };
    return Case.of(id, "Send a text message in 5 fragments with 2 pings among them, waiting for each pong, " + mode.words,
        "Both pongs, then the echo", null, script,
        Expect.echo(List.of(pong(p1), pong(p2), text(Frames.concat(parts)))));
  }
}
