package dev.steadysocket.conformance;

import java.io.IOException;

/**
 * Script building blocks for the catalogs: how a case's frames are written (Autobahn's "one chop",
 * "frame by frame" and "octet-wise" modes) and the usual endings (wait for echoes; wait for the
 * client to fail the connection).
 *
 * <p>Stateless; the script threads.
 */
final class Scripts {
  private Scripts() {}

  enum Mode {
    /** All frames in one write. */
    ONE_CHOP("in one chop"),
    /** Frame by frame, each flushed. */
    FRAMES("frame by frame"),
    /** Every octet written and flushed on its own. */
    OCTETS("octet-wise");

    final String words;

    Mode(String words) {
      this.words = words;
    }
  }

  static void write(Peer p, Mode mode, byte[]... frames) throws IOException {
    if (mode == Mode.ONE_CHOP) {
      p.sendRaw(Frames.concat(frames));
      return;
    }
    int before = p.chop;
    p.chop = mode == Mode.OCTETS ? 1 : 0;
    try {
      for (byte[] f : frames) p.sendRaw(f);
    } finally {
      p.chop = before;
    }
  }

  /** Writes the frames, then waits for {@code messages} echoes and {@code pongs} pongs. */
  static Peer.Script echo(Mode mode, int messages, int pongs, byte[]... frames) {
    return p -> {
      write(p, mode, frames);
      if (messages > 0) p.awaitMessages(messages);
      if (pongs > 0) p.awaitPongs(pongs);
    };
  }

  /**
   * Writes {@code good} frames and waits for their {@code echoes} (so the verdict does not depend
   * on a race between the echo and the failure), then the {@code bad} frames, then waits for the
   * client to end the connection.
   */
  static Peer.Script failAfter(byte[] good, int echoes, Mode mode, byte[]... bad) {
    return p -> {
      if (good != null) {
        p.sendRaw(good);
        p.await(es -> es.stream().filter(e -> e.isMessage() || e.kind == Event.Kind.PONG).count() >= echoes,
            Peer.PATIENCE_MILLIS);
      }
      write(p, mode, bad);
      p.awaitEnd(Peer.PATIENCE_MILLIS);
    };
  }

  static Peer.Script fail(Mode mode, byte[]... bad) {
    return failAfter(null, 0, mode, bad);
  }
}
