package dev.steadysocket;

/**
 * Bounds for messages sent while the socket is not open (or while the transport's send buffer is
 * full): they wait in the outbox, in order, and go out when the next connection opens. Immutable.
 *
 * <p>Default: 1,000 messages or 1 MiB of encoded text, whichever is reached first, rejecting new
 * messages when full. A message that does not fit fails its send future with {@link
 * OutboxOverflowException}; nothing is ever dropped silently.
 */
public final class OutboxPolicy {
  /** What happens when a message arrives at a full outbox. */
  public enum Overflow {
    /** The new message is refused (its future fails); queued messages keep their place. */
    REJECT_NEW,
    /** The oldest queued messages are dropped (their futures fail) to make room. */
    DROP_OLDEST
  }

  private static final OutboxPolicy DEFAULTS = new OutboxPolicy(1_000, 1L << 20, Overflow.REJECT_NEW);

  private final int maxMessages;
  private final long maxBytes;
  private final Overflow overflow;

  private OutboxPolicy(int maxMessages, long maxBytes, Overflow overflow) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.overflow = overflow;
  }

  public static OutboxPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * @param maxMessages how many messages may wait (0 means sends fail unless the socket is open)
   * @param maxBytes how many bytes of encoded UTF-8 text may wait; also the largest single message
   */
  public static OutboxPolicy bounded(int maxMessages, long maxBytes, Overflow overflow) {
    if (maxMessages < 0) throw new IllegalArgumentException("maxMessages < 0: " + maxMessages);
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes < 1: " + maxBytes);
    return new OutboxPolicy(maxMessages, maxBytes, overflow);
  }

  public int maxMessages() {
    return maxMessages;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public Overflow overflow() {
    return overflow;
  }

  @Override
  public String toString() {
    return "OutboxPolicy(" + maxMessages + " messages, " + maxBytes + " bytes, " + overflow + ")";
  }
}
