package dev.steadysocket.internal;

import dev.steadysocket.DecodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound path of one socket: decoding, what SteadySocket consumes itself (heartbeat echoes,
 * acknowledgements, replies), admission (de-duplication, resume positions, counters) and the
 * hand-off to the listeners.
 *
 * <p><b>Threading:</b> {@link #text} and {@link #binary} run on OkHttp's reader thread, one
 * connection at a time. In the pipelined mode (SteadySocket's own callback pool, no guarantee that
 * needs arrival order) the reader only queues the frame and decoding and admission run inside the
 * delivery on the callback executor. Either way a frame is admitted where its delivery is ordered,
 * so a frame the retired connection drops never counts as seen. No lock is held here; {@link
 * Connection#deliver} queues under its own.
 */
final class Inbound {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  private final MessageCodec codec;
  private final ListenerBus bus;
  private final Events events;
  private final InboundLedger ledger;
  private final Outbound outbound;
  private final boolean ackMode;
  private final boolean pipelined;
  private final LoopTasks clock;
  /** Set once, right after construction (they reference each other). */
  private Requests requests;

  private Setups setups;

  Inbound(
      MessageCodec codec,
      ListenerBus bus,
      Events events,
      InboundLedger ledger,
      Outbound outbound,
      boolean ackMode,
      LoopTasks clock) {
    this.codec = codec;
    this.bus = bus;
    this.events = events;
    this.ledger = ledger;
    this.outbound = outbound;
    this.ackMode = ackMode;
    this.clock = clock;
    this.pipelined = bus.isSharedDispatch() && !ackMode && !ledger.needsArrivalOrder();
  }

  void requests(Requests requests, Setups setups) {
    this.requests = requests;
    this.setups = setups;
  }

  /** Reader thread. */
  void text(Connection c, String text) {
    if (pipelined && requests.isEmpty() && setups.noneAwaited()) {
      // Sized here, not where it is admitted (the dispatch thread, which decodes: a scan of every
      // text there slowed delivery, ~20 % of that thread's time for 100 B frames).
      long bytes = Utf8.size(text);
      // OkHttp's reader only queues the frame and goes back to reading; the dispatch thread
      // decodes and delivers it. Nothing needs the envelope on the reader in this mode: no dedup
      // or resume position to record in arrival order, and no request whose reply must be matched
      // before a disconnect fails it.
      c.deliver(() -> receive(c, text, bytes), bytes);
      return;
    }
    Envelope envelope;
    long started = events.stamp();
    try {
      envelope = decode(c, text);
    } catch (DecodeException error) {
      c.deliver(() -> bus.raise(error), Utf8.size(text));
      return;
    }
    long decodeNanos = events.since(started);
    if (!forApplication(c, envelope, false)) return;
    long bytes = Utf8.size(text);
    Runnable delivery = bus.message(envelope); // converted for typed handlers here, outside any lock
    c.deliver(() -> {
      if (admit(envelope, bytes, decodeNanos)) delivery.run();
    }, bytes);
  }

  /** Reader thread. */
  void binary(Connection c, byte[] bytes) {
    Runnable delivery = bus.binary(bytes);
    c.deliver(() -> {
      events.binaryReceived(bytes.length);
      delivery.run();
    }, bytes.length);
  }

  /** On the callback executor, inside a delivery: the pipelined half of {@link #text}. */
  private void receive(Connection c, String text, long bytes) {
    Envelope envelope;
    long started = events.stamp();
    try {
      envelope = decode(c, text);
    } catch (DecodeException error) {
      bus.raise(error); // delivered to onError right after this delivery
      return;
    }
    long decodeNanos = events.since(started);
    if (forApplication(c, envelope, true) && admit(envelope, bytes, decodeNanos)) bus.deliverMessage(envelope);
  }

  private Envelope decode(Connection c, String text) {
    try {
      return codec.decode(text);
    } catch (RuntimeException | StackOverflowError e) {
      DecodeException error =
          e instanceof DecodeException ? (DecodeException) e : new DecodeException("codec failed", text, e);
      events.decodeFailed();
      Quiet.log(() -> log.debug("undecodable frame on {}: {}", c, error.getMessage()));
      throw error;
    }
  }

  /**
   * Consumes what is for SteadySocket itself (heartbeat echoes, acknowledgements, replies to
   * setup messages and requests); true if {@code envelope} is for the application.
   */
  private boolean forApplication(Connection c, Envelope envelope, boolean inDelivery) {
    if ("heartbeat".equals(envelope.type())) {
      if (c.echoed(envelope.id())) events.heartbeatEchoed(clock.nanoTime() - c.heartbeatSentNanos);
      return false; // a sign of life (counted in framesReceived), not a message for the app
    }
    String replyTo = envelope.metaText(InboundLedger.META_REPLY_TO);
    if (replyTo != null) {
      // Setup replies first: their ids are fresh per connection, and a server may confirm with "ack".
      Runnable setupReply = setups.reply(c, replyTo, envelope);
      if (setupReply != null) {
        if (inDelivery) setupReply.run(); // pipelined: already in order, inside a delivery
        else if (setupReply != Setups.CONSUMED) c.deliver(setupReply, 0);
        return false;
      }
      if (ackMode && InboundLedger.TYPE_ACK.equals(envelope.type())) {
        outbound.acked(replyTo);
        return false;
      }
      if (requests.reply(replyTo, envelope)) return false;
    }
    if (log.isTraceEnabled()) log.trace("received {} on {}", envelope.type(), c);
    return true;
  }

  /** Records a message about to reach the listeners, where its delivery is ordered; false if a duplicate. */
  private boolean admit(Envelope envelope, long bytes, long decodeNanos) {
    if (ledger.isDuplicate(envelope)) {
      events.duplicateDropped(envelope);
      return false;
    }
    ledger.delivered(envelope);
    events.messageReceived(envelope, bytes, decodeNanos);
    return true;
  }
}
