package dev.steadysocket;

/**
 * Bounds for messages sent while the socket is not open (or while the transport's send buffer is
 * full): they wait in the outbox, in order, and go out when the next connection opens. Immutable
 * and thread-safe; one policy may serve many sockets.
 *
 * <p>Default: 1,000 messages or 1 MiB of encoded text, whichever is reached first, rejecting new
 * messages when full. A message that does not fit fails its send future with {@link
 * OutboxOverflowException}; nothing is ever dropped silently.
 *
 * <p>While OPEN, messages also wait here when handing them to OkHttp would put more than 4 MiB in
 * its send queue, or, in acknowledgement mode, while {@code maxMessages} messages await their
 * acknowledgement.
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

  /**
   * The default bounds.
   *
   * @return 1,000 messages or 1 MiB, {@link Overflow#REJECT_NEW}
   */
  public static OutboxPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Bounds by message count and bytes, whichever is reached first.
   *
   * @param maxMessages how many messages may wait (0 means sends fail unless the socket is open);
   *     in acknowledgement mode also how many may await their acknowledgement (at least 1)
   * @param maxBytes how many bytes of encoded UTF-8 text may wait; also the largest single message
   *     (never more than 16 MiB less 1 KiB, the most OkHttp sends in one message)
   * @param overflow what a full outbox does with a new message
   * @return a new policy
   * @throws IllegalArgumentException if {@code maxMessages} is negative or {@code maxBytes} is
   *     below 1
   */
  public static OutboxPolicy bounded(int maxMessages, long maxBytes, Overflow overflow) {
    if (maxMessages < 0) throw new IllegalArgumentException("maxMessages < 0: " + maxMessages);
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes < 1: " + maxBytes);
    return new OutboxPolicy(maxMessages, maxBytes, overflow);
  }

  /**
   * The most messages that may wait.
   *
   * @return the message limit, 0 or more
   */
  public int maxMessages() {
    return maxMessages;
  }

  /**
   * The most bytes of encoded messages that may wait, and the largest single message.
   *
   * @return the byte limit (UTF-8 bytes of text, bytes of binary frames), 1 or more
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * What a full outbox does with a new message.
   *
   * @return the overflow rule
   */
  public Overflow overflow() {
    return overflow;
  }

  @Override
  public String toString() {
    return "OutboxPolicy(" + maxMessages + " messages, " + maxBytes + " bytes, " + overflow + ")";
  }
}
