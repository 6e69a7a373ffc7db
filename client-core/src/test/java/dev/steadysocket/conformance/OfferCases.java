package dev.steadysocket.conformance;

import static dev.steadysocket.conformance.DeflateCases.DEFLATE;
import static dev.steadysocket.conformance.Frames.FIN;
import static dev.steadysocket.conformance.Frames.TEXT;
import static dev.steadysocket.conformance.Frames.frame;

import dev.steadysocket.Compression;
import dev.steadysocket.conformance.Scripts.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * 13.x: what the client offers ({@code SteadySocketBuilder.compression}), modelled on Autobahn's
 * 13.x (offers with parameters, accepted as offered): the server receives exactly the offer the
 * {@link Compression} describes, compresses as agreed (its window, its context) and the client
 * echoes through it; a server that declines a parameter is still understood; with compression
 * disabled nothing is offered or compressed, and an answer to an offer that was not made, or a
 * window larger than offered, fails the connection before it opens.
 *
 * <p>Stateless; the test's thread.
 */
final class OfferCases {
  private OfferCases() {}

  private static final int[] SIZES = {256, 4096, 65536};

  /** The {@code Sec-WebSocket-Extensions} value {@code c} should put on the wire, or null. */
  static String offer(Compression c) {
    if (!c.isEnabled()) return null;
    return DEFLATE + (c.clientNoContextTakeover() ? "; client_no_context_takeover" : "")
        + (c.serverNoContextTakeover() ? "; server_no_context_takeover" : "")
        + (c.serverMaxWindowBits() < 15 ? "; server_max_window_bits=" + c.serverMaxWindowBits() : "");
  }

  /** Fails a run whose handshake did not carry exactly the offer {@code c} describes. */
  static Case.Judge offered(Compression c, Case.Judge judge) {
    return o -> Objects.equals(offer(c), o.offered) ? judge.judge(o)
        : Expect.failed(o, "offered " + o.offered + ", not " + offer(c));
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    Compression on = Compression.defaults();
    Object[][] accepted = {
        {on.withServerNoContextTakeover(), DEFLATE + "; server_no_context_takeover"},
        {on.withClientNoContextTakeover(), DEFLATE + "; client_no_context_takeover"},
        {on.withClientNoContextTakeover().withServerNoContextTakeover().withMinimumSize(0),
            DEFLATE + "; client_no_context_takeover; server_no_context_takeover"},
        {on.withServerNoContextTakeover(), DEFLATE}, // declined: context kept
        {on.withServerMaxWindowBits(10), DEFLATE}, // declined: a 32 KiB window
    };
    int group = 1;
    for (Object[] a : accepted) {
      for (int i = 0; i < SIZES.length; i++) {
        cases.add(DeflateCases.messages("13." + group + "." + (i + 1), (Compression) a[0], (String) a[1], true, SIZES[i], 3));
      }
      group++;
    }
    for (int bits = 8; bits <= 15; bits++) { // 13.6.x: each window offered and agreed
      Compression c = on.withServerMaxWindowBits(bits);
      String answer = DEFLATE + (bits < 15 ? "; server_max_window_bits=" + bits : "");
      cases.add(DeflateCases.messages("13.6." + (bits - 7), c, answer, true, 16384, 3));
    }
    Compression off = Compression.disabled();
    for (int i = 0; i < SIZES.length; i++) { // 13.7.x: nothing offered, nothing compressed
      byte[] data = DeflateCases.data(true, SIZES[i], i);
      cases.add(Case.of("13.7." + (i + 1), "Offer nothing (compression disabled); answer nothing; send a text message of "
              + SIZES[i] + " bytes", "No offer; echoed uncompressed", off, null,
          Scripts.echo(Mode.FRAMES, 1, 0, frame(FIN | TEXT, data)),
          offered(off, DeflateCases.withOffer(Expect.echo(List.of(Event.message(true, data, false)))))));
    }
    Object[][] refused = {
        {off, DEFLATE, "permessage-deflate, which was not offered"},
        {off, "x-webkit-deflate-frame", "an extension that was not offered"},
        {on.withServerMaxWindowBits(10), DEFLATE + "; server_max_window_bits=11", "a window larger than offered"},
        {on, DEFLATE + "; server_max_window_bits=09", "a window size with a leading zero"},
    };
    for (int i = 0; i < refused.length; i++) { // 13.8.x
      Compression c = (Compression) refused[i][0];
      cases.add(Case.of("13.8." + (i + 1), (c.isEnabled() ? "Offer " + offer(c) : "Offer nothing") + "; answer \""
              + refused[i][1] + "\" (" + refused[i][2] + "), then send a text message",
          "Fail the connection before it opens; the message never delivered", c, (String) refused[i][1],
          new Peer.Greeting() {
            @Override
            public byte[] greeting() {
              return frame(FIN | TEXT, Frames.utf8("must not be delivered"));
            }

            @Override
            public void run(Peer p) throws Exception {
              p.awaitEnd(Peer.PATIENCE_MILLIS);
            }
          }, offered(c, DeflateCases.withOffer(Expect.fail(1010, List.of())))));
    }
    return cases;
  }
}
