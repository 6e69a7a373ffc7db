package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SetupStatus;
import org.jspecify.annotations.Nullable;

/**
 * One {@link SetupMessage} registered on a socket, or the closing message of a cancelled one
 * ({@link #closing}: written once, never registered). Its status is guarded by a private lock: the
 * loop, the thread that decodes a reply and application threads (cancel) all write it.
 */
final class SetupEntry implements SetupRegistration {
  /** Told of a cancellation, with the outbound path already holding newer messages if a closing message may follow. */
  interface Owner {
    /** Any thread, under the entry's lock: holds newer messages until the loop decided about the closing message. */
    void holdForClosingMessage();

    /** Any thread, after the lock: posts the cancellation to the loop. */
    void cancelled(SetupEntry e, boolean held);
  }

  final SetupMessage message;
  final boolean closing;
  private final Owner owner;
  private final Object lock = new Object();

  private SetupStatus status = SetupStatus.PENDING;
  private @Nullable Envelope reply;
  /** The connection {@link #status} is about, or -1. */
  private long connection = -1;
  /** Loop thread only: the connection this entry was last handed to, or -1 (a closing message is due only there). */
  long writtenOn = -1;

  SetupEntry(SetupMessage message, boolean closing, Owner owner) {
    this.message = message;
    this.closing = closing;
    this.owner = owner;
  }

  @Override
  public SetupMessage message() {
    return message;
  }

  @Override
  public SetupStatus status() {
    synchronized (lock) {
      return status;
    }
  }

  @Override
  public @Nullable Envelope reply() {
    synchronized (lock) {
      return reply;
    }
  }

  /**
   * The hold for a closing message is taken before CANCELLED becomes visible: a second cancel()
   * that returns at once (already cancelled) is then followed by sends that wait for it too.
   */
  @Override
  public void cancel() {
    boolean held = message.cancelMessage() != null;
    synchronized (lock) {
      if (status == SetupStatus.CANCELLED) return;
      if (held) owner.holdForClosingMessage();
      status = SetupStatus.CANCELLED;
      reply = null;
    }
    owner.cancelled(this, held);
  }

  /** Cancels without a closing message (the socket closed or refuses registrations). */
  void cancelSilently() {
    synchronized (lock) {
      status = SetupStatus.CANCELLED;
      reply = null;
    }
  }

  boolean isCancelled() {
    synchronized (lock) {
      return status == SetupStatus.CANCELLED;
    }
  }

  /** Loop: handed to connection {@code id}'s lane. */
  void sent(long id, SetupStatus next) {
    synchronized (lock) {
      if (status == SetupStatus.CANCELLED) return;
      connection = id;
      status = next;
      reply = null;
    }
  }

  /** A reply on connection {@code id}: false if it no longer matters (cancelled, another connection, answered). */
  boolean settle(long id, SetupStatus next, Envelope answer) {
    synchronized (lock) {
      if (status != SetupStatus.AWAITING_REPLY || connection != id) return false;
      status = next;
      reply = answer;
      return true;
    }
  }

  /** Loop: its connection ended. */
  void reset() {
    synchronized (lock) {
      if (status == SetupStatus.CANCELLED) return;
      status = SetupStatus.PENDING;
      connection = -1;
      reply = null;
    }
  }

  /** The type only, never the content (a setup message may carry a secret). */
  @Override
  public String toString() {
    return "SetupRegistration{" + message + ", " + status() + "}";
  }
}
