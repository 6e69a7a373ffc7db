package dev.steadysocket.conformance;

import static dev.steadysocket.conformance.Expect.text;
import static dev.steadysocket.conformance.Frames.CONTINUATION;
import static dev.steadysocket.conformance.Frames.FIN;
import static dev.steadysocket.conformance.Frames.TEXT;
import static dev.steadysocket.conformance.Frames.frame;
import static dev.steadysocket.conformance.Frames.slice;
import static dev.steadysocket.conformance.Frames.unhex;

import dev.steadysocket.conformance.Case.Result;
import dev.steadysocket.conformance.Scripts.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * Autobahn's case class 6 (UTF-8 handling), generated. Every sequence is sent whole, split into
 * two fragments at every byte position, as one fragment per byte, and as one frame written
 * octet-wise. A valid sequence must be echoed every time (one connection, one message per way of
 * sending it); an invalid one must fail the connection with 1007 (RFC 6455 8.1) every time, one
 * connection per way, and never reach the application.
 *
 * <p>Stateless; the test's thread.
 */
final class Utf8Cases {
  private Utf8Cases() {}

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(Case.of("6.1.1", "Send an empty text message", "Echoed", null,
        Scripts.echo(Mode.FRAMES, 1, 0, frame(FIN | TEXT, new byte[0])), Expect.echo(List.of(text(new byte[0])))));
    cases.add(Case.of("6.1.2", "Send an empty text message in 3 empty fragments", "Echoed as one empty message", null,
        Scripts.echo(Mode.FRAMES, 1, 0, frame(TEXT, new byte[0]), frame(CONTINUATION, new byte[0]),
            frame(FIN | CONTINUATION, new byte[0])), Expect.echo(List.of(text(new byte[0])))));
    byte[] middle = Frames.utf8("middle frame payload");
    cases.add(Case.of("6.1.3", "Send a text message in 3 fragments, the first and last empty", "Echoed", null,
        Scripts.echo(Mode.FRAMES, 1, 0, frame(TEXT, new byte[0]), frame(CONTINUATION, middle),
            frame(FIN | CONTINUATION, new byte[0])), Expect.echo(List.of(text(middle)))));
    cases.add(vectorCase("6.2.1", "Greek κόσμε", unhex(Utf8Vectors.KOSME), true));
    cases.add(vectorCase("6.2.2", "\"Hello-µ@ßöäü-àá-UTF-8!!\"", Frames.utf8("Hello-µ@ßöäü-àá-UTF-8!!"), true));
    cases.add(vectorCase("6.2.3", "4-byte characters (U+1F600, U+24B62, U+10FFFF)",
        Frames.utf8("a\uD83D\uDE00b\uD852\uDF62c\uDBFF\uDFFF"), true));
    byte[] invalid = unhex(Utf8Vectors.KOSME + "eda080" + "656469746564");
    cases.add(vectorCase("6.3.1", "κόσμε, then the surrogate ED A0 80, then \"edited\"", invalid, false));
    failFast(cases);
    int i = 5;
    for (Utf8Vectors.Category category : Utf8Vectors.categories()) {
      int j = 1;
      for (Utf8Vectors.Vector v : category.vectors) {
        if (Utf8Vectors.strictlyValid(v.bytes) != v.valid) {
          throw new IllegalStateException("vector 6." + i + "." + j + " transcribed wrong: " + Frames.hex(v.bytes));
        }
        cases.add(vectorCase("6." + i + "." + j++, category.name + ": 0x" + Frames.hex(v.bytes), v.bytes, v.valid));
      }
      i++;
    }
    return cases;
  }

  /** The ways a sequence is sent, each a list of frames (written frame by frame) or one chopped frame. */
  private static List<byte[][]> ways(byte[] b) {
    List<byte[][]> ways = new ArrayList<>();
    ways.add(new byte[][] {frame(FIN | TEXT, b)});
    for (int s = 1; s < b.length; s++) {
      ways.add(new byte[][] {frame(TEXT, slice(b, 0, s)), frame(FIN | CONTINUATION, slice(b, s, b.length))});
    }
    if (b.length > 1) {
      byte[][] perByte = new byte[b.length][];
      for (int k = 0; k < b.length; k++) {
        perByte[k] = frame((k == b.length - 1 ? FIN : 0) | (k == 0 ? TEXT : CONTINUATION), slice(b, k, k + 1));
      }
      ways.add(perByte);
    }
    return ways;
  }

  private static String wayName(int index, byte[] b) {
    if (index == 0) return "whole";
    if (index < b.length) return "split at byte " + index;
    if (index == b.length && b.length > 1) return "one fragment per byte";
    return "one frame octet-wise";
  }

  static Case vectorCase(String id, String what, byte[] b, boolean valid) {
    List<byte[][]> ways = ways(b);
    String description = "Send " + what + " (" + (valid ? "valid" : "invalid") + ") as a text message: whole, in 2 fragments"
        + " split at every byte, one fragment per byte, and one frame octet-wise";
    if (valid) {
      Peer.Script script = p -> {
        int n = 0;
        for (byte[][] frames : ways) {
          Scripts.write(p, Mode.FRAMES, frames);
          if (!p.awaitMessages(++n)) return;
        }
        p.chop = 1;
        p.sendRaw(frame(FIN | TEXT, b));
        p.awaitMessages(n + 1);
      };
      List<Event> echoes = new ArrayList<>();
      for (int k = 0; k <= ways.size(); k++) echoes.add(text(b));
      return Case.of(id, description, "Echoed every time (" + echoes.size() + " messages)", null, script,
          Expect.echo(echoes));
    }
    List<Case.Run> runs = new ArrayList<>();
    for (int k = 0; k < ways.size(); k++) {
      byte[][] frames = ways.get(k);
      runs.add(new Case.Run(wayName(k, b), null, Scripts.fail(Mode.FRAMES, frames), Expect.fail(1007, List.of())));
    }
    runs.add(new Case.Run(wayName(ways.size(), b), null, Scripts.fail(Mode.OCTETS, frame(FIN | TEXT, b)),
        Expect.fail(1007, List.of())));
    return new Case(id, description, "Fail the connection (1007) every time (" + runs.size() + " connections); never delivered", runs);
  }

  /**
   * Autobahn 6.4.x: invalid UTF-8 in the middle of a message whose end comes later. Failing as
   * soon as the invalid part arrives is OK; failing only once the message is complete is
   * NON-STRICT (RFC 6455 8.1 asks to fail on invalid text; "fail fast" is the stricter reading).
   */
  private static void failFast(List<Case> cases) {
    String[][] parts = {
        {Utf8Vectors.KOSME, "f4908080", "656469746564"},
        {Utf8Vectors.KOSME + "f4", "90", "8080656469746564"}};
    for (int c = 0; c < 4; c++) {
      boolean chopped = c >= 2;
      String[] part = parts[c % 2];
      byte[] p1 = unhex(part[0]), p2 = unhex(part[1]), p3 = unhex(part[2]);
      byte[] whole = Frames.concat(p1, p2, p3);
      Peer.Script script = p -> {
        byte[] oneFrame = frame(FIN | TEXT, whole);
        int headerLength = oneFrame.length - whole.length;
        byte[] a = chopped ? slice(oneFrame, 0, headerLength + p1.length) : frame(TEXT, p1);
        byte[] b = chopped ? slice(oneFrame, headerLength + p1.length, headerLength + p1.length + p2.length) : frame(CONTINUATION, p2);
        byte[] rest = chopped ? slice(oneFrame, headerLength + p1.length + p2.length, oneFrame.length) : frame(FIN | CONTINUATION, p3);
        p.sendRaw(a);
        p.mark("(part 2)");
        p.sendRaw(b);
        if (p.awaitEnd(Peer.PATIENCE_MILLIS)) return;
        p.mark("(final part)");
        p.sendRaw(rest);
        p.awaitEnd(Peer.PATIENCE_MILLIS);
      };
      Case.Judge judge = o -> {
        Result r = Expect.fail(1007, List.of()).judge(o);
        if (r.verdict == Case.Verdict.FAILED) return r;
        boolean afterPart2 = false, atTheEnd = false;
        for (Event e : o.server) {
          if (e.kind == Event.Kind.MARK) {
            afterPart2 |= e.note.equals("(part 2)");
            atTheEnd |= e.note.equals("(final part)");
          } else if (e.kind == Event.Kind.CLOSE || e.kind == Event.Kind.END) {
            break;
          }
        }
        if (!afterPart2) return Expect.failed(o, "failed the connection before the invalid part arrived");
        if (atTheEnd) return Expect.nonStrict(o, "failed only once the message was complete, not as the invalid bytes arrived");
        return r;
      };
      cases.add(Case.of("6.4." + (c + 1), "Send κόσμε, then 0x" + part[1] + " (making it invalid), then the rest, "
              + (chopped ? "as one frame in 3 chops" : "as 3 fragments") + ", waiting after the invalid part",
          "Fail (1007) as soon as the invalid part arrives (OK), or at the message's end (NON-STRICT)", null, script, judge));
    }
  }
}
