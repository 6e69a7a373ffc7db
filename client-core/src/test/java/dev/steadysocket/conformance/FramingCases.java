package dev.steadysocket.conformance;

import static dev.steadysocket.conformance.Expect.binary;
import static dev.steadysocket.conformance.Expect.pong;
import static dev.steadysocket.conformance.Expect.text;
import static dev.steadysocket.conformance.Frames.BINARY;
import static dev.steadysocket.conformance.Frames.FIN;
import static dev.steadysocket.conformance.Frames.PING;
import static dev.steadysocket.conformance.Frames.PONG;
import static dev.steadysocket.conformance.Frames.TEXT;
import static dev.steadysocket.conformance.Frames.filled;
import static dev.steadysocket.conformance.Frames.frame;
import static dev.steadysocket.conformance.Frames.utf8;

import dev.steadysocket.conformance.Case.Result;
import dev.steadysocket.conformance.Scripts.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Autobahn's case classes 1 (text and binary messages of every length class) and 2 (pings and
 * pongs), generated.
 *
 * <p>Stateless; the test's thread.
 */
final class FramingCases {
  private FramingCases() {}

  static final int[] LENGTHS = {0, 125, 126, 127, 128, 65535, 65536};

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (int kind = 1; kind <= 2; kind++) {
      boolean isText = kind == 1;
      String name = isText ? "text" : "binary";
      for (int i = 0; i <= LENGTHS.length; i++) {
        boolean chopped = i == LENGTHS.length;
        int n = chopped ? 65536 : LENGTHS[i];
        byte[] payload = isText ? filled(n, '*') : filled(n, (char) 0xfe);
        byte[] f = frame(FIN | (isText ? TEXT : BINARY), payload);
        Peer.Script script = chopped
            ? p -> {
                p.chop = 997;
                p.sendRaw(f);
                p.awaitMessages(1);
              }
            : Scripts.echo(Mode.FRAMES, 1, 0, f);
        cases.add(Case.of("1." + kind + "." + (i + 1),
            "Send a " + name + " message of " + n + " bytes" + (chopped ? ", written in chops of 997 octets" : ""),
            "Echoed as sent; clean close", null, script,
            Expect.echo(List.of(isText ? text(payload) : binary(payload)))));
      }
    }
    pings(cases);
    return cases;
  }

  private static void pings(List<Case> cases) {
    byte[][] payloads = {new byte[0], utf8("Hello, world!"), Frames.unhex("00fffefdfcfb00ff"), filled(125, (char) 0xfe)};
    String[] names = {"an empty ping", "a ping with a text payload", "a ping with a binary payload",
        "a ping with a 125-byte payload (the maximum)"};
    for (int i = 0; i < payloads.length; i++) {
      byte[] ping = frame(FIN | PING, payloads[i]);
      cases.add(Case.of("2." + (i + 1), "Send " + names[i], "A pong with the same payload", null,
          Scripts.echo(Mode.FRAMES, 0, 1, ping), Expect.echo(List.of(pong(payloads[i])))));
    }
    cases.add(Case.of("2.5", "Send a ping with a 126-byte payload (over the control frame limit)",
        "Fail the connection (1002)", null, Scripts.fail(Mode.FRAMES, frame(FIN | PING, filled(126, (char) 0xfe))),
        Expect.fail(1002, List.of())));
    cases.add(Case.of("2.6", "Send a ping with a 125-byte payload, octet-wise", "A pong with the same payload", null,
        Scripts.echo(Mode.OCTETS, 0, 1, frame(FIN | PING, payloads[3])), Expect.echo(List.of(pong(payloads[3])))));
    cases.add(Case.of("2.7", "Send an unsolicited empty pong", "Ignored; clean close", null,
        Scripts.echo(Mode.FRAMES, 0, 0, frame(FIN | PONG, new byte[0])), Expect.echo(List.of())));
    cases.add(Case.of("2.8", "Send an unsolicited pong with a payload", "Ignored; clean close", null,
        Scripts.echo(Mode.FRAMES, 0, 0, frame(FIN | PONG, utf8("unsolicited pong payload"))), Expect.echo(List.of())));
    byte[] pingPayload = utf8("ping payload");
    cases.add(Case.of("2.9", "Send an unsolicited pong, then a ping", "A pong for the ping only", null,
        Scripts.echo(Mode.FRAMES, 0, 1, frame(FIN | PONG, utf8("unsolicited pong payload")), frame(FIN | PING, pingPayload)),
        Expect.echo(List.of(pong(pingPayload)))));
    cases.add(tenPings("2.10", Mode.ONE_CHOP));
    cases.add(tenPings("2.11", Mode.OCTETS));
  }

  /**
   * Ten pings in a row. RFC 6455 5.5.3 lets an endpoint answer only the most recent of several
   * pings: all ten answered in order is OK; fewer, with the last one answered, is NON-STRICT.
   */
  private static Case tenPings(String id, Mode mode) {
    byte[][] frames = new byte[10][];
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      payloads.add(utf8("payload-" + i));
      frames[i] = frame(FIN | PING, payloads.get(i));
    }
    byte[] last = payloads.get(9);
    Peer.Script script = p -> {
      Scripts.write(p, mode, frames);
      p.await(es -> es.stream().anyMatch(e -> e.kind == Event.Kind.PONG && Arrays.equals(e.payload, last)), Peer.PATIENCE_MILLIS);
    };
    Case.Judge judge = o -> {
      List<Event> all = new ArrayList<>();
      for (byte[] b : payloads) all.add(pong(b));
      Result strict = Expect.echo(all).judge(o);
      if (strict.verdict == Case.Verdict.OK) return strict;
      List<Event> got = Expect.frames(o);
      boolean pongsOnly = got.stream().allMatch(e -> e.kind == Event.Kind.PONG || e.kind == Event.Kind.CLOSE || e.kind == Event.Kind.END);
      boolean lastAnswered = got.stream().anyMatch(e -> e.kind == Event.Kind.PONG && Arrays.equals(e.payload, last));
      if (pongsOnly && lastAnswered && strict.reason.startsWith("expected pong")) {
        return Expect.nonStrict(o, "answered only some pings (the latest included), as RFC 6455 5.5.3 allows");
      }
      return strict;
    };
    return Case.of(id, "Send 10 pings " + mode.words, "Ten pongs in order (OK); fewer, the last included (NON-STRICT)",
        null, script, judge);
  }
}
