package dev.steadysocket.testing.server;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a server records the messages that clients sent with {@code meta.ack = true}, once per id.
 *
 * <p>The SDK re-sends every unacknowledged message after a reconnect (same id, same order), so the
 * same id can arrive twice, even at once on two connections of one client (the old connection's
 * reader may still be finishing its buffer). Implementations therefore make "is it new?" and
 * "deliver it" one atomic step: otherwise a resent message could be delivered after the next one.
 * The server acknowledges only after this returns, so what is acknowledged has been recorded.
 *
 * <p>Threads: called on the reader threads of every connection (a {@code TestClock} task in
 * memory), concurrently for different connections, so implementations must be thread-safe.
 */
public interface Inbox {
  /**
   * Runs {@code deliver} if {@code id} was not received before (within the implementation's
   * window) and returns true; returns false for a repeat.
   *
   * @param id the message's {@code id}, as text
   * @param message the whole envelope, as parsed (read it, do not change it)
   * @param deliver hands the message to the application; run at most once per id, inside the
   *     atomic step, on the calling thread
   * @return true if the message was new (and {@code deliver} ran), false for a repeat
   * @throws Exception if the message could not be recorded: it is then not acknowledged, and the
   *     client sends it again later
   */
  boolean receive(String id, JsonNode message, Runnable deliver) throws Exception;
}
