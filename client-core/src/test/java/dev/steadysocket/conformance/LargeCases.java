package dev.steadysocket.conformance;

import static dev.steadysocket.conformance.Frames.BINARY;
import static dev.steadysocket.conformance.Frames.CONTINUATION;
import static dev.steadysocket.conformance.Frames.FIN;
import static dev.steadysocket.conformance.Frames.TEXT;
import static dev.steadysocket.conformance.Frames.frame;

import dev.steadysocket.conformance.Scripts.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * Autobahn's case class 9 (limits and performance), cut down to a few sizes so the suite stays
 * fast: text and binary messages of 64 KiB to 4 MiB in one frame, and 4 MiB in 64 KiB fragments.
 * The testee's inbound limit is its 16 MiB default; its outbox is raised to 64 MiB for the echoes.
 *
 * <p>Stateless; the test's thread.
 */
final class LargeCases {
  private LargeCases() {}

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    int[] sizes = {64 << 10, 256 << 10, 1 << 20, 4 << 20};
    for (int kind = 1; kind <= 2; kind++) {
      boolean text = kind == 1;
      for (int i = 0; i < sizes.length; i++) {
        byte[] payload = text ? Frames.filled(sizes[i], '*') : Frames.binary(sizes[i], i);
        cases.add(Case.of("9." + kind + "." + (i + 1), "Send a " + (text ? "text" : "binary") + " message of "
                + size(sizes[i]) + " in one frame", "Echoed as sent", null,
            Scripts.echo(Mode.FRAMES, 1, 0, frame(FIN | (text ? TEXT : BINARY), payload)),
            Expect.echo(List.of(Event.message(text, payload, false)))));
      }
      byte[] payload = text ? Frames.text(4 << 20, 9) : Frames.binary(4 << 20, 9);
      int fragment = 64 << 10;
      byte[][] frames = new byte[payload.length / fragment][];
      for (int k = 0; k < frames.length; k++) {
        int op = (k == frames.length - 1 ? FIN : 0) | (k == 0 ? (text ? TEXT : BINARY) : CONTINUATION);
        frames[k] = frame(op, Frames.slice(payload, k * fragment, (k + 1) * fragment));
      }
      cases.add(Case.of("9." + (kind + 2) + ".1", "Send a " + (text ? "text" : "binary") + " message of 4 MiB in "
              + frames.length + " fragments of 64 KiB", "Echoed as one message", null, Scripts.echo(Mode.ONE_CHOP, 1, 0, frames),
          Expect.echo(List.of(Event.message(text, payload, false)))));
    }
    return cases;
  }

  static String size(int bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
  }
}
