package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.SteadySocketException;
import dev.steadysocket.internal.Transport;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The in-memory link's contract with both ends, which the core's transport contract and OkHttp's
 * listener contract define: frames in order, one per clock task; a close frame reported with
 * onClosing and answered by the client's end; onClosed once a close went each way; exactly one
 * failure per end that had not finished; nothing after the end; half-open loses everything silently.
 */
class MemoryLinkTest {
  private final TestClock clock = new TestClock();
  private final List<String> client = new ArrayList<>();
  private final List<String> server = new ArrayList<>();
  private final MemoryLink link = new MemoryLink(clock, new Request.Builder().url("http://h/").build(), 1 << 20,
      new Transport.Listener() {
    @Override public void onOpen() { client.add("open"); }
    @Override public void onText(String text) { client.add("text " + text); }
    @Override public void onBinary(byte[] bytes) { client.add("binary " + bytes.length); }
    @Override public void onPong() { client.add("pong " + link.client.pongCount()); }
    @Override public void onClosing(int code, String reason) { client.add("closing " + code); }
    @Override public void onRefused(SteadySocketException error, int closeCode) { client.add("refused"); }
    @Override public void onClosed(int code, String reason) { client.add("closed " + code); }
    @Override public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
      client.add("failure " + error.getClass().getSimpleName());
    }
  });

  private void open() {
    link.open(new WebSocketListener() {
      @Override public void onOpen(WebSocket ws, Response r) { server.add("open"); }
      @Override public void onMessage(WebSocket ws, String text) { server.add("text " + text); }
      @Override public void onClosing(WebSocket ws, int code, String reason) {
        server.add("closing " + code);
        ws.close(1000, null);
      }
      @Override public void onClosed(WebSocket ws, int code, String reason) { server.add("closed " + code); }
      @Override public void onFailure(WebSocket ws, Throwable t, @Nullable Response r) {
        server.add("failure " + t.getClass().getSimpleName());
      }
    }, null);
  }

  @Test
  void framesArriveInOrderOnePerTask() {
    open();
    link.server.send("a");
    link.server.send("b");
    assertTrue(link.client.send("x"));
    assertEquals(List.of("open"), client, "nothing moves until the clock runs");
    clock.runUntilIdle();
    assertEquals(List.of("open", "text a", "text b"), client);
    assertEquals(List.of("open", "text x"), server);
  }

  @Test
  void aClientCloseIsAnsweredAndEachEndClosesOnce() {
    open();
    link.client.close(1000, "bye");
    assertFalse(link.client.send("late"), "nothing is sent after a close frame");
    clock.runUntilIdle();
    assertEquals(List.of("open", "closing 1000", "closed 1000"), server);
    assertEquals(List.of("open", "closing 1000", "closed 1000"), client);
  }

  @Test
  void aServerCloseIsAnsweredByTheClientsEnd() {
    open();
    link.server.close(4001, "kicked");
    clock.runUntilIdle();
    assertEquals(List.of("open", "closing 4001", "closed 4001"), client);
    assertEquals(List.of("open", "closing 4001", "closed 4001"), server);
  }

  @Test
  void aDropDeliversWhatWasSentThenOneFailureEach() {
    open();
    link.server.send("last words");
    link.sever(false);
    link.sever(false);
    clock.runUntilIdle();
    link.client.cancel();
    clock.runUntilIdle();
    assertEquals(List.of("open", "text last words", "failure EOFException"), client);
    assertEquals(List.of("open", "failure EOFException"), server);
  }

  @Test
  void aResetLosesWhatWasInFlight() {
    open();
    link.server.send("lost");
    link.sever(true);
    clock.runUntilIdle();
    assertEquals(List.of("open", "failure SocketException"), client);
    assertEquals(List.of("open", "failure SocketException"), server);
  }

  @Test
  void aCancelFailsBothEndsOnceAndStopsFrames() {
    open();
    link.client.cancel();
    link.client.cancel();
    assertFalse(link.client.send("x"));
    assertFalse(link.server.send("y"));
    clock.runUntilIdle();
    assertEquals(List.of("open", "failure IOException"), client);
    assertEquals(List.of("open", "failure EOFException"), server);
  }

  @Test
  void halfOpenLosesEverythingIncludingPongsAndTellsNoOne() {
    open();
    link.client.ping();
    clock.runUntilIdle();
    assertEquals(1, link.client.pongCount());
    link.halfOpen();
    assertTrue(link.client.send("x"), "the sender cannot tell");
    link.client.ping();
    link.server.send("y");
    link.client.close(1000, "");
    clock.runUntilIdle();
    assertEquals(1, link.client.pongCount());
    assertEquals(List.of("open", "pong 1"), client, "only the pong from before it went half-open");
    assertEquals(List.of("open"), server);
  }

  @Test
  void eachPongIsReportedOnceAfterItIsCountedAndNoneAfterTheLinkIsSevered() {
    open();
    assertTrue(link.client.ping());
    assertTrue(link.client.ping());
    assertEquals(List.of("open"), client, "nothing moves until the clock runs");
    clock.runUntilIdle();
    assertEquals(List.of("open", "pong 1", "pong 2"), client, "the reader's onPong, as OkHttp's guard calls it");
    link.halfOpen();
    assertTrue(link.client.ping(), "a half-open link takes the ping and loses it");
    clock.runUntilIdle();
    assertEquals(List.of("open", "pong 1", "pong 2"), client);
    link.sever(true);
    clock.runUntilIdle();
    assertFalse(link.client.ping(), "a severed link takes no ping");
    assertEquals(List.of("open", "pong 1", "pong 2", "failure SocketException"), client);
  }

  @Test
  void aPingOnItsWayWhenTheLinkIsResetGetsNoPong() {
    open();
    assertTrue(link.client.ping());
    link.sever(true); // the RST loses the ping in flight, so no pong comes back
    clock.runUntilIdle();
    assertEquals(List.of("open", "failure SocketException"), client);
    assertEquals(0, link.client.pongCount());
  }
}
