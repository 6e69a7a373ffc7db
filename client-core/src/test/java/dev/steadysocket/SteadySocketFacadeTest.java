package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The facade and its builder in virtual time: each public method reaches the core, and the
 * builder's bounds are the documented ones.
 */
// #16 part 2: SteadySocket and SteadySocketBuilder were never mutated; these are the calls their
// mutants showed untested.
class SteadySocketFacadeTest extends VirtualTimeTest {

  @Test
  void closeOnAnIdleSocketEndsItAtOnceWithCode1000() {
    SteadySocket socket = builder().build();
    socket.close();
    clock.runUntilIdle();
    listener.assertState(IDLE, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    CloseReason reason = listener.assertClosed();
    assertEquals(1000, reason.code());
    assertEquals("", reason.reason());
    assertTrue(reason.initiatedByApp());
    assertTrue(socket.closeFuture().isDone());
    assertEquals(CLOSED, socket.state());
  }

  @Test
  void addedListenersHearEverythingFromNowOnAndRemovedOnesNothing() {
    SteadySocket socket = builder().build();
    List<String> added = new ArrayList<>();
    SteadySocketListener extra = new SteadySocketListener() {
      @Override
      public void onStateChanged(ConnectionState previous, ConnectionState current) {
        added.add(previous + "->" + current);
      }
    };
    socket.addListener(extra);
    open(socket);
    assertEquals(List.of("IDLE->CONNECTING", "CONNECTING->OPEN"), added);

    socket.removeListener(extra);
    closeOpen(socket);
    assertEquals(List.of("IDLE->CONNECTING", "CONNECTING->OPEN"), added, "removed: heard nothing more");
  }

  @Test
  void theUrlIsShownRedactedAndWithTheState() {
    SteadySocket socket = builder().build();
    assertEquals("wss://example.com/...", socket.redactedUrl());
    assertEquals("SteadySocket{wss://example.com/..., IDLE}", socket.toString());
    assertEquals("SteadySocketBuilder{wss://example.com/...}", builder().toString());
    assertEquals("", socket.extensions(), "nothing negotiated before the first OPEN");
    socket.close();
    clock.runUntilIdle();
    listener.assertState(IDLE, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
  }

  @Test
  void aGenericHandlerFromTheBuilderReceivesConvertedContent() {
    List<List<Integer>> got = new ArrayList<>();
    SteadySocket socket = open(builder().on("ints", new TypeReference<List<Integer>>() {}, got::add).build());
    transports.last().receive("{\"type\":\"ints\",\"content\":[1,2]}");
    clock.runUntilIdle();
    listener.assertMessage("ints");
    assertEquals(List.of(List.of(1, 2)), got);
    closeOpen(socket);
  }

  @Test
  void theNegotiatedExtensionsAreExposedOnceOpen() {
    SteadySocket socket = builder().build();
    socket.connect();
    clock.runUntilIdle();
    transports.last().extensions = "permessage-deflate";
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(IDLE, ConnectionState.CONNECTING);
    listener.assertState(ConnectionState.CONNECTING, OPEN);
    assertEquals("permessage-deflate", socket.extensions());
    closeOpen(socket);
  }

  /** Counts how often the codec built one: the application's class runs only for live handlers. */
  public static final class Counted {
    static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();
    public int n;

    public Counted() {
      BUILT.incrementAndGet();
    }
  }

  @Test
  void aCancelledHandlersContentIsNoLongerConverted() {
    SteadySocket socket = open(builder().build());
    List<Counted> got = new ArrayList<>();
    Subscription sub = socket.on("n", Counted.class, got::add);
    transports.last().receive("{\"type\":\"n\",\"content\":{\"n\":1}}");
    clock.runUntilIdle();
    listener.assertMessage("n");
    assertEquals(1, got.size());
    int built = Counted.BUILT.get();

    sub.cancel();
    transports.last().receive("{\"type\":\"n\",\"content\":{\"n\":2}}");
    clock.runUntilIdle();
    listener.assertMessage("n");
    assertEquals(1, got.size());
    assertEquals(built, Counted.BUILT.get(), "the content was converted for a cancelled handler");
    closeOpen(socket);
  }

  @Test
  void aHandlerWithoutATypeToConvertToIsRefusedWhereItIsRegistered() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> SteadySocket.builder("wss://example.com/").on("t", (TypeReference<Object>) null, x -> {}));
    assertEquals("the class or TypeReference to convert to is null", e.getMessage());
  }

  @Test
  void builderBoundsAreInclusive() {
    SteadySocketBuilder b = SteadySocket.builder("wss://example.com/");
    b.deduplicate(0);
    b.deduplicate(1_000_000);
    assertThrows(IllegalArgumentException.class, () -> b.deduplicate(-1));
    assertThrows(IllegalArgumentException.class, () -> b.deduplicate(1_000_001));
    b.maxInboundMessageSize(1);
    assertThrows(IllegalArgumentException.class, () -> b.maxInboundMessageSize(0));
    assertFalse(b.toString().isEmpty());
  }

  /** The close future is the one instance, completed with the same reason onClosed saw. */
  @Test
  void theCloseFutureIsOneInstanceCompletedWithTheReason() throws Exception {
    SteadySocket socket = builder().build();
    CompletableFuture<CloseReason> future = socket.closeFuture();
    assertEquals(future, socket.closeFuture());
    socket.close(4000, "bye");
    clock.runUntilIdle();
    listener.assertState(IDLE, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    CloseReason reason = listener.assertClosed();
    assertEquals(reason, future.getNow(null));
    assertEquals("CloseReason(4000 bye, by app)", reason.toString());
  }
}
