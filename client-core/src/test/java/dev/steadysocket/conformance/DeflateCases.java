package dev.steadysocket.conformance;

import static dev.steadysocket.conformance.Frames.BINARY;
import static dev.steadysocket.conformance.Frames.CLOSE;
import static dev.steadysocket.conformance.Frames.CONTINUATION;
import static dev.steadysocket.conformance.Frames.FIN;
import static dev.steadysocket.conformance.Frames.PING;
import static dev.steadysocket.conformance.Frames.RSV1;
import static dev.steadysocket.conformance.Frames.TEXT;
import static dev.steadysocket.conformance.Frames.frame;
import static dev.steadysocket.conformance.Frames.slice;

import dev.steadysocket.conformance.Case.Result;
import dev.steadysocket.conformance.Scripts.Mode;
import dev.steadysocket.Compression;
import java.util.ArrayList;
import java.util.List;

/**
 * permessage-deflate (RFC 7692), modelled on Autobahn's classes 12 and 13: compressed messages of
 * several sizes with and without context takeover, each {@code server_max_window_bits} from 8 to
 * 15 (the server's {@link Deflate.Compressor} never refers farther back than the window, by
 * construction), {@code client_no_context_takeover} (the client's compressed echoes are each
 * inflated with a fresh inflater), fragmented compressed messages, and what must fail: RSV1 where
 * it does not belong, data that does not inflate, inflated text that is not UTF-8, and answers the
 * client must refuse.
 *
 * <p>Each case sends three different messages of its size (same vocabulary, so later ones refer to
 * earlier ones when the context is kept). The client may echo compressed or not (OkHttp compresses
 * messages of 1 KiB and more); the report shows which.
 *
 * <p>Stateless; the test's thread.
 */
final class DeflateCases {
  private DeflateCases() {}

  static final String DEFLATE = "permessage-deflate";
  static final int[] SIZES = {16, 64, 256, 1024, 4096, 16384, 65536};

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    String[] answers = {DEFLATE, DEFLATE, DEFLATE + "; server_no_context_takeover", DEFLATE + "; server_no_context_takeover"};
    for (int g = 0; g < 4; g++) {
      boolean text = g % 2 == 0;
      for (int i = 0; i < SIZES.length; i++) {
        cases.add(messages("12." + (g + 1) + "." + (i + 1), answers[g], text, SIZES[i], 3));
      }
    }
    for (int bits = 8; bits <= 15; bits++) {
      cases.add(messages("12.5." + (bits - 7), DEFLATE + "; server_max_window_bits=" + bits, true, 16384, 3));
    }
    cases.add(messages("12.6.1", DEFLATE + "; client_no_context_takeover", true, 4096, 3));
    cases.add(messages("12.6.2", DEFLATE + "; client_no_context_takeover; server_no_context_takeover", false, 4096, 3));
    fragmented(cases);
    failing(cases);
    answersToRefuse(cases);
    cases.addAll(OfferCases.cases());
    return cases;
  }

  static byte[] data(boolean text, int size, int seed) {
    return text ? Frames.text(size, seed) : Frames.binary(size, seed);
  }

  /** {@code count} compressed messages of {@code size}, each echoed. */
  private static Case messages(String id, String answer, boolean text, int size, int count) {
    return messages(id, Compression.defaults(), answer, text, size, count);
  }

  /** {@code count} compressed messages of {@code size}, each echoed, to a client offering {@code offer}. */
  static Case messages(String id, Compression offer, String answer, boolean text, int size, int count) {
    List<Event> echoes = new ArrayList<>();
    for (int k = 0; k < count; k++) echoes.add(Event.messageAnyCompression(text, data(text, size, k)));
    Peer.Script script = p -> {
      for (int k = 0; k < count; k++) {
        p.sendCompressed(text ? TEXT : BINARY, data(text, size, k));
        if (!p.awaitMessages(k + 1)) return;
      }
      p.mark("(server's farthest back-reference: " + p.farthestReference() + " bytes)");
    };
    return Case.of(id, (offer.equals(Compression.defaults()) ? "" : "Offer " + OfferCases.offer(offer) + "; ")
            + "Answer \"" + answer + "\"; send " + count + " compressed " + (text ? "text" : "binary")
            + " messages of " + size + " bytes", "Each echoed as sent" + (answer.contains("client_no_context_takeover")
                ? ", each compressed echo inflating with a fresh inflater" : ""),
        offer, answer, script, OfferCases.offered(offer, withOffer(Expect.echo(echoes))));
  }

  /** Puts the client's offer into the observed column. */
  static Case.Judge withOffer(Case.Judge judge) {
    return o -> {
      Result r = judge.judge(o);
      return new Result(r.verdict, "offer: " + o.offered + "; " + r.observed, r.reason);
    };
  }

  private static void fragmented(List<Case> cases) {
    for (int kind = 0; kind < 2; kind++) {
      boolean text = kind == 0;
      byte[] message = data(text, 4096, 7);
      cases.add(Case.of("12.7." + (kind + 1), "Send a compressed " + (text ? "text" : "binary")
              + " message of 4096 bytes in 4 frames (RSV1 on the first only)", "Echoed as sent", DEFLATE,
          p -> {
            byte[] c = p.compress(message);
            int q = c.length / 4;
            Scripts.write(p, Mode.FRAMES, frame(RSV1 | (text ? TEXT : BINARY), slice(c, 0, q)),
                frame(CONTINUATION, slice(c, q, 2 * q)), frame(CONTINUATION, slice(c, 2 * q, 3 * q)),
                frame(FIN | CONTINUATION, slice(c, 3 * q, c.length)));
            p.awaitMessages(1);
          }, withOffer(Expect.echo(List.of(Event.messageAnyCompression(text, message))))));
    }
    byte[] small = Frames.utf8("κόσμε: a small compressed message, split everywhere");
    int splits = new Deflate.Compressor(15, true).compress(small).length;
    List<Event> echoes = new ArrayList<>();
    for (int k = 0; k <= splits; k++) echoes.add(Event.messageAnyCompression(true, small));
    cases.add(Case.of("12.7.3", "Send a small compressed text message (no context takeover) in 2 frames split at every byte of"
            + " its " + splits + " compressed bytes, then in one frame per compressed byte",
        "Echoed every time (" + echoes.size() + " messages)", DEFLATE + "; server_no_context_takeover",
        p -> {
          byte[] c = p.compress(small);
          for (int s = 1; s < c.length; s++) {
            Scripts.write(p, Mode.FRAMES, frame(RSV1 | TEXT, slice(c, 0, s)), frame(FIN | CONTINUATION, slice(c, s, c.length)));
            if (!p.awaitMessages(s)) return;
          }
          for (int k = 0; k < c.length; k++) {
            p.sendRaw(frame((k == c.length - 1 ? FIN : 0) | (k == 0 ? RSV1 | TEXT : CONTINUATION), slice(c, k, k + 1)));
          }
          p.awaitMessages(c.length);
          p.sendCompressed(TEXT, small);
          p.awaitMessages(c.length + 1);
        }, withOffer(Expect.echo(echoes))));
    byte[] ping = Frames.utf8("ping inside a compressed message");
    byte[] message = data(true, 4096, 8);
    cases.add(Case.of("12.7.4", "Send a compressed text message in 2 frames with a ping between them",
        "The pong, then the echo", DEFLATE,
        p -> {
          byte[] c = p.compress(message);
          Scripts.write(p, Mode.FRAMES, frame(RSV1 | TEXT, slice(c, 0, c.length / 2)), frame(FIN | PING, ping),
              frame(FIN | CONTINUATION, slice(c, c.length / 2, c.length)));
          p.awaitMessages(1);
        }, withOffer(Expect.echo(List.of(Expect.pong(ping), Event.messageAnyCompression(true, message))))));
  }

  private static void failing(List<Case> cases) {
    byte[] hello = Frames.utf8("Hello, world!");
    int n = 1;
    cases.add(failCase("12.8." + n++, "Send a text frame (FIN false), then a continuation with RSV1", 1002,
        p -> Scripts.write(p, Mode.FRAMES, frame(TEXT, hello), frame(FIN | RSV1 | CONTINUATION, p.compress(hello)))));
    cases.add(failCase("12.8." + n++, "Send a compressed message whose continuation frame also has RSV1", 1002,
        p -> {
          byte[] c = p.compress(data(true, 1024, 3));
          Scripts.write(p, Mode.FRAMES, frame(RSV1 | TEXT, slice(c, 0, 10)), frame(FIN | RSV1 | CONTINUATION, slice(c, 10, c.length)));
        }));
    cases.add(failCase("12.8." + n++, "Send a ping with RSV1", 1002, p -> p.sendRaw(frame(FIN | RSV1 | PING, hello))));
    cases.add(failCase("12.8." + n++, "Send a close 1000 with RSV1", 1002,
        p -> p.sendRaw(frame(FIN | RSV1 | CLOSE, Frames.closePayload(1000, new byte[0])))));
    cases.add(failCase("12.8." + n++, "Send a compressed text message that is not deflate data (reserved block type 11)",
        1002, p -> p.sendRaw(frame(FIN | RSV1 | TEXT, Frames.unhex("ffffffff")))));
    cases.add(failCase("12.8." + n++, "Send a compressed binary message with an invalid distance (before the window's start)",
        1002, p -> p.sendRaw(frame(FIN | RSV1 | BINARY, Frames.unhex("030200")))));
    byte[] bad = Frames.unhex(Utf8Vectors.KOSME + "eda080656469746564");
    cases.add(failCase("12.8." + n++, "Send a compressed text message whose inflated text is not UTF-8 (a surrogate)", 1007,
        p -> p.sendCompressed(TEXT, bad)));
    cases.add(failCase("12.8." + n++, "Send a compressed text message whose inflated text ends inside a character (κόσμε + CE)",
        1007, p -> p.sendCompressed(TEXT, Frames.unhex(Utf8Vectors.KOSME + "ce"))));
    cases.add(failCase("12.8." + n++, "Send a text frame (FIN false), then the first frame of a compressed message (a new"
        + " message inside it: RFC 6455 5.4), then a close 1000, in one write", 1002, p -> {
          byte[] c = p.compress(data(true, 1024, 4));
          p.sendRaw(Frames.concat(frame(TEXT, hello), frame(RSV1 | TEXT, slice(c, 0, c.length / 2)),
              frame(FIN | CLOSE, Frames.closePayload(1000, new byte[0]))));
        }));
  }

  private static Case failCase(String id, String description, int code, Peer.Script bad) {
    return Case.of(id, description, "Fail the connection (" + code + ")", DEFLATE, p -> {
      bad.run(p);
      p.awaitEnd(Peer.PATIENCE_MILLIS);
    }, withOffer(Expect.fail(code, List.of())));
  }

  /**
   * Answers the client must refuse (RFC 7692 5 and 7.1): it must fail the connection. The client
   * refuses them before the connection opens (a TCP close); a close 1010 (Mandatory Extension, what
   * OkHttp alone sends) would be OK too.
   */
  private static void answersToRefuse(List<Case> cases) {
    String[][] answers = {
        {DEFLATE + "; client_max_window_bits=10", "client_max_window_bits, which the client did not offer"},
        {DEFLATE + "; x_unknown_parameter", "an unknown parameter"},
        {DEFLATE + "; server_max_window_bits=7", "server_max_window_bits=7 (below 8)"},
        {DEFLATE + "; server_no_context_takeover; server_no_context_takeover", "a repeated parameter"},
        {DEFLATE + ", " + DEFLATE, "permessage-deflate twice"}};
    for (int i = 0; i < answers.length; i++) {
      cases.add(Case.of("12.9." + (i + 1), "Answer \"" + answers[i][0] + "\" (" + answers[i][1] + "), then send a text message",
          "Fail the connection (before it opens, or with 1010); the message (written with the 101 response) never delivered", answers[i][0],
          new Peer.Greeting() {
            @Override
            public byte[] greeting() { // in the 101's own write: the verdict does not depend on timing
              return frame(FIN | TEXT, Frames.utf8("must not be delivered"));
            }

            @Override
            public void run(Peer p) throws Exception {
              p.awaitEnd(Peer.PATIENCE_MILLIS);
            }
          }, withOffer(Expect.fail(1010, List.of()))));
    }
  }
}
