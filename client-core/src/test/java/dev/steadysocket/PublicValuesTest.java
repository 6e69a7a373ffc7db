package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The public value types the socket hands out (CloseReason, Disconnect, Decision, Envelope, the
 * exceptions): what they hold, how they compare, and how they read in a log line. A log line that
 * says nothing, or the wrong thing, is a defect an operator pays for.
 */
// #16 part 2: the public package was never mutated; these are the behaviours its survivors showed untested.
class PublicValuesTest {
  static final SteadySocketException ERROR = new SteadySocketException("boom");

  @Test
  void closeReasonNamesCodeReasonWhoAndError() {
    assertEquals("CloseReason(1000, by app)", new CloseReason(1000, "", true, null).toString());
    assertEquals("CloseReason(4000 bye, by app)", new CloseReason(4000, "bye", true, null).toString());
    assertEquals("CloseReason(1011 failed, error=" + ERROR + ")",
        new CloseReason(1011, "failed", false, ERROR).toString());
  }

  @Test
  void disconnectNamesOnlyTheFieldsItsKindSets() {
    assertEquals("Disconnect(HANDSHAKE_REJECTED http 503: boom)",
        new Disconnect(Disconnect.Kind.HANDSHAKE_REJECTED, 503, -1, Duration.ofSeconds(2), false, ERROR).toString());
    assertEquals("Disconnect(CLOSED_BY_SERVER close 1011: boom)",
        new Disconnect(Disconnect.Kind.CLOSED_BY_SERVER, -1, 1011, null, true, ERROR).toString());
    assertEquals("Disconnect(DEAD_LINK: boom)",
        new Disconnect(Disconnect.Kind.DEAD_LINK, -1, -1, null, true, ERROR).toString());
  }

  @Test
  void decisionNamesItsActionAndDelay() {
    assertEquals("Decision(RETRY)", ReconnectPolicy.Decision.retry().toString());
    assertEquals("Decision(RETRY after PT5S)", ReconnectPolicy.Decision.retryAfter(Duration.ofSeconds(5)).toString());
    assertEquals("Decision(STOP)", ReconnectPolicy.Decision.stop(ERROR).toString());
    assertEquals(ERROR, ReconnectPolicy.Decision.stop(ERROR).error());
  }

  @Test
  void onlyConnectingOpenAndReconnectingAreActive() {
    EnumSet<ConnectionState> active = EnumSet.of(
        ConnectionState.CONNECTING, ConnectionState.OPEN, ConnectionState.RECONNECTING);
    for (ConnectionState s : ConnectionState.values()) assertEquals(active.contains(s), s.isActive(), s.name());
  }

  @Test
  void closingASubscriptionCancelsIt() throws Exception {
    AtomicInteger cancels = new AtomicInteger();
    try (Subscription s = cancels::incrementAndGet) {
      assertEquals(0, cancels.get());
    }
    assertEquals(1, cancels.get(), "try-with-resources cancels the subscription");
  }

  @Test
  void decodeErrorsQuoteAtMostTwoHundredCharactersOfTheFrame() {
    String exact = "x".repeat(200);
    assertEquals("bad: '" + exact + "'", new DecodeException("bad", exact, null).getMessage());
    String longer = exact + "y";
    assertEquals("bad: '" + exact + "…' (201 chars)", new DecodeException("bad", longer, null).getMessage());
    assertEquals(longer, new DecodeException("bad", longer, null).rawText());
  }

  @Test
  void requestTimeoutsSayHowLongTheyWaitedEvenForAnAbsurdTimeout() {
    assertEquals("no reply to request r1 within 1500 ms",
        new RequestTimeoutException("r1", Duration.ofMillis(1500)).getMessage());
    long lastExact = Long.MAX_VALUE / 1000 - 2; // the last whole second whose millis are shown as they are
    assertEquals("no reply to request r2 within " + lastExact * 1000 + " ms",
        new RequestTimeoutException("r2", Duration.ofSeconds(lastExact)).getMessage());
    assertEquals("no reply to request r3 within " + Long.MAX_VALUE + " ms",
        new RequestTimeoutException("r3", Duration.ofSeconds(lastExact + 1)).getMessage(), "saturated");
    assertEquals("no reply to request r4 within " + Long.MAX_VALUE + " ms",
        new RequestTimeoutException("r4", Duration.ofSeconds(Long.MAX_VALUE)).getMessage());
  }

  // ------------------------------------------------------------------ Envelope

  static Envelope.Builder full() {
    return Envelope.builder("chat").id("1").sender("ann").receiver("bob").timestamp(5).content("hi").meta("k", "v");
  }

  @Test
  void envelopesAreEqualByEveryFieldAndHashAlike() {
    Envelope e = full().build();
    assertEquals(e, e);
    assertEquals(e, full().build());
    assertEquals(e.hashCode(), full().build().hashCode());
    assertEquals(e, e.toBuilder().build(), "toBuilder keeps every field, meta included");
    assertEquals("v", e.toBuilder().build().metaText("k"));
    assertNotEquals(e, full().id("2").build());
    assertNotEquals(e, full().sender("cy").build());
    assertNotEquals(e, full().receiver("cy").build());
    assertNotEquals(e, full().timestamp(6).build());
    assertNotEquals(e, full().content("ho").build());
    assertNotEquals(e, full().meta("k", "w").build());
    assertNotEquals(e, Envelope.builder("other").id("1").sender("ann").receiver("bob").timestamp(5)
        .content("hi").meta("k", "v").build());
    assertFalse(e.equals("chat"));
  }

  @Test
  void envelopeToStringShowsWhatIsSetAndCutsLongContent() {
    assertEquals("Envelope{type=chat, id=1, sender=ann, receiver=bob, timestamp=5, content=\"hi\", meta={k=\"v\"}}",
        full().build().toString());
    assertEquals("Envelope{type=t, id=null, timestamp=0, content=null}",
        Envelope.builder("t").id(null).timestamp(0).build().toString());
    String fits = "x".repeat(118); // 120 characters of JSON with its quotes
    assertTrue(Envelope.builder("t").content(fits).build().toString().endsWith("content=\"" + fits + "\"}"));
    String cut = Envelope.builder("t").content(fits + "x").build().toString();
    assertTrue(cut.endsWith("content=\"" + fits + "x…}"), cut);
  }

  @Test
  void compressionIsAValueWhoseWithersValidateAndKeepTheRest() {
    Compression tuned = Compression.defaults().withServerNoContextTakeover().withClientNoContextTakeover()
        .withServerMaxWindowBits(8).withMinimumSize(0);
    assertTrue(tuned.isEnabled() && tuned.serverNoContextTakeover() && tuned.clientNoContextTakeover());
    assertEquals(8, tuned.serverMaxWindowBits());
    assertEquals(0, tuned.minimumSize());
    assertEquals(tuned, Compression.defaults().withMinimumSize(0).withServerMaxWindowBits(8)
        .withClientNoContextTakeover().withServerNoContextTakeover(), "order does not matter");
    assertEquals(tuned.hashCode(), Compression.defaults().withMinimumSize(0).withServerMaxWindowBits(8)
        .withClientNoContextTakeover().withServerNoContextTakeover().hashCode());
    assertEquals("Compression{permessage-deflate, client_no_context_takeover, server_no_context_takeover, "
        + "server_max_window_bits=8, minimumSize=0}", tuned.toString());
    assertEquals("Compression{permessage-deflate, minimumSize=1024}", Compression.defaults().toString());
    assertEquals(15, Compression.defaults().serverMaxWindowBits());
    assertEquals(1024, Compression.defaults().minimumSize());
    assertFalse(Compression.defaults().serverNoContextTakeover() || Compression.defaults().clientNoContextTakeover());
    for (Compression one : new Compression[] {Compression.defaults().withServerNoContextTakeover(),
        Compression.defaults().withClientNoContextTakeover(), Compression.defaults().withServerMaxWindowBits(14),
        Compression.defaults().withMinimumSize(1023), Compression.disabled()}) {
      assertNotEquals(Compression.defaults(), one, one.toString());
      assertNotEquals(Compression.defaults().hashCode(), one.hashCode(), one.toString());
    }
    assertFalse(Compression.disabled().isEnabled());
    assertEquals(0, Compression.disabled().minimumSize());
    assertEquals("Compression{disabled}", Compression.disabled().toString());
    assertNotEquals(Compression.defaults(), (Object) "permessage-deflate");
    assertThrows(IllegalArgumentException.class, () -> Compression.defaults().withServerMaxWindowBits(7));
    assertThrows(IllegalArgumentException.class, () -> Compression.defaults().withServerMaxWindowBits(16));
    assertEquals(15, Compression.defaults().withServerMaxWindowBits(15).serverMaxWindowBits());
    assertThrows(IllegalArgumentException.class, () -> Compression.defaults().withMinimumSize(-1));
    assertThrows(IllegalStateException.class, () -> Compression.disabled().withServerNoContextTakeover());
    assertThrows(IllegalStateException.class, () -> Compression.disabled().withClientNoContextTakeover());
    assertThrows(IllegalStateException.class, () -> Compression.disabled().withServerMaxWindowBits(10));
    assertThrows(IllegalStateException.class, () -> Compression.disabled().withMinimumSize(10));
  }
}
