package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.internal.Transport;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * More of the in-memory link's contract: binary frames, the inbound size limit (enforced as the
 * OkHttp transport's guard enforces it), the handshake answer, OkHttp's close-code rules, and what
 * each end may still do once the link is closing, dropped or cancelled.
 */
class MemoryLinkMutationTest {
  private static final long LIMIT = 8;
  private final TestClock clock = new TestClock();
  private final Request handshake = new Request.Builder().url("http://h/feed").build();
  private final List<String> client = new ArrayList<>();
  private final List<String> server = new ArrayList<>();
  private final List<SteadySocketException> refusals = new ArrayList<>();
  private @Nullable Response answer;
  private boolean serverAnswersCloses = true;

  private final MemoryLink link = new MemoryLink(clock, handshake, LIMIT, new Transport.Listener() {
    @Override public void onOpen() { client.add("open"); }
    @Override public void onText(String text) { client.add("text " + text); }
    @Override public void onBinary(byte[] bytes) { client.add("binary " + ByteString.of(bytes).hex()); }
    @Override public void onClosing(int code, String reason) { client.add("closing " + code + " " + reason); }
    @Override public void onRefused(SteadySocketException error, int closeCode) {
      refusals.add(error);
      client.add("refused " + closeCode);
    }
    @Override public void onClosed(int code, String reason) { client.add("closed " + code + " " + reason); }
    @Override public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
      client.add("failure " + error.getClass().getSimpleName() + " " + httpStatus + " " + retryAfter);
    }
  });

  private final WebSocketListener serverListener = new WebSocketListener() {
    @Override public void onOpen(WebSocket ws, Response r) {
      answer = r;
      server.add("open");
    }
    @Override public void onMessage(WebSocket ws, String text) { server.add("text " + text); }
    @Override public void onMessage(WebSocket ws, ByteString bytes) { server.add("binary " + bytes.hex()); }
    @Override public void onClosing(WebSocket ws, int code, String reason) {
      server.add("closing " + code + " " + reason);
      if (serverAnswersCloses) ws.close(1000, null);
    }
    @Override public void onClosed(WebSocket ws, int code, String reason) { server.add("closed " + code + " " + reason); }
    @Override public void onFailure(WebSocket ws, Throwable t, @Nullable Response r) {
      server.add("failure " + t.getClass().getSimpleName() + " " + t.getMessage());
    }
  };

  @Test
  void theHandshakeIsAnsweredWith101AndTheChosenSubprotocol() {
    link.open(serverListener, "feed.v2");
    assertEquals(101, answer.code());
    assertEquals("feed.v2", answer.header("Sec-WebSocket-Protocol"));
    assertSame(handshake, answer.request());
    assertEquals("feed.v2", link.client.subprotocol());
    assertSame(handshake, link.server.request());
    assertEquals(0, link.server.queueSize());
    assertEquals(0, link.client.queueSize());
    assertEquals(List.of("open"), server);
    assertEquals(List.of("open"), client);
  }

  @Test
  void withoutASubprotocolTheAnswerNamesNone() {
    link.open(serverListener, null);
    assertNull(answer.header("Sec-WebSocket-Protocol"));
    assertNull(link.client.subprotocol());
  }

  @Test
  void binaryFramesTravelBothWaysAsCopies() {
    link.open(serverListener, null);
    byte[] out = {1, 2};
    assertTrue(link.client.sendBinary(out));
    out[0] = 9; // the caller reuses its buffer
    assertTrue(link.server.send(ByteString.of((byte) 3, (byte) 4)));
    clock.runUntilIdle();
    assertEquals(List.of("open", "binary 0102"), server);
    assertEquals(List.of("open", "binary 0304"), client);
  }

  @Test
  void aTextOfExactlyTheLimitArrivesAndOneByteMoreIsRefusedWith1009() {
    link.open(serverListener, null);
    assertTrue(link.server.send("12345678"));
    link.server.send("é2345678"); // 9 UTF-8 bytes in 8 chars
    link.server.send("after");
    clock.runUntilIdle();
    assertEquals(List.of("open", "text 12345678", "refused 1009", "closed 1009 message too large"), client,
        "refused, then finished on the client's side; nothing is read after the refusal");
    assertTrue(refusals.get(0) instanceof MessageTooLargeException);
    assertTrue(refusals.get(0).getMessage().startsWith("the server sent a message of 9 bytes; the limit is 8"),
        refusals.get(0).getMessage());
    assertEquals(List.of("open", "closing 1009 ", "closed 1009 "), server, "the client's end closes with 1009");
    assertFalse(link.client.send("x"), "the client's end closed");
  }

  @Test
  void aBinaryOverTheLimitIsRefusedTooAndOneAtTheLimitArrives() {
    link.open(serverListener, null);
    link.server.send(ByteString.of(new byte[8]));
    link.server.send(ByteString.of(new byte[9]));
    clock.runUntilIdle();
    assertEquals(List.of("open", "binary 0000000000000000", "refused 1009", "closed 1009 message too large"), client);
    assertTrue(refusals.get(0).getMessage().contains("of 9 bytes"), refusals.get(0).getMessage());
  }

  @Test
  void aCloseFrameBehindARefusedMessageIsNotReportedAgain() {
    serverAnswersCloses = false;
    link.open(serverListener, null);
    link.server.send("123456789");
    link.server.close(1001, "going");
    clock.runUntilIdle();
    assertEquals(List.of("open", "refused 1009", "closed 1009 message too large"), client);
    assertEquals(1, refusals.size());
  }

  @Test
  void closeCodesFollowOkHttpsRules() {
    for (int ok : new int[] {1000, 1003, 1007, 1014, 3000, 4999}) MemoryLink.checkClose(ok, "");
    for (int bad : new int[] {999, 1004, 1005, 1006, 1015, 2999, 5000}) {
      assertThrows(IllegalArgumentException.class, () -> MemoryLink.checkClose(bad, null), "code " + bad);
    }
    MemoryLink.checkClose(1000, "é".repeat(61) + "x"); // 123 bytes
    IllegalArgumentException tooLong =
        assertThrows(IllegalArgumentException.class, () -> MemoryLink.checkClose(1000, "é".repeat(62)));
    assertTrue(tooLong.getMessage().startsWith("reason.size() > 123"), tooLong.getMessage());
  }

  @Test
  void theServerClosesOnceAndSendsNothingAfter() {
    serverAnswersCloses = false;
    link.open(serverListener, null);
    assertTrue(link.server.close(4000, "bye"));
    assertFalse(link.server.close(4000, "again"));
    assertFalse(link.server.send("late"));
    assertFalse(link.server.send(ByteString.of((byte) 1)));
    assertTrue(link.client.send("still open this way"));
    clock.runUntilIdle();
    assertEquals(List.of("open", "closing 4000 bye", "closed 4000 bye"), client);
    assertEquals(List.of("open", "text still open this way", "closing 4000 ", "closed 4000 "), server);
  }

  @Test
  void afterADropTheServerReadsNothingTheClientSendsBeforeItSeesTheEnd() {
    link.open(serverListener, null);
    link.sever(false);
    assertTrue(link.client.send("too late"), "the client has not read the FIN yet");
    assertTrue(link.client.sendBinary(new byte[] {1}));
    assertTrue(link.client.ping());
    link.client.close(1000, "");
    clock.runUntilIdle();
    assertEquals(List.of("open", "failure EOFException closed by the server (FIN)"), server);
    assertEquals(List.of("open", "failure EOFException -1 null"), client);
    assertEquals(0, link.client.pongCount());
    assertTrue(link.cancelled());
    assertFalse(link.client.send("x"));
    assertFalse(link.client.sendBinary(new byte[] {1}));
    assertFalse(link.client.ping());
    assertFalse(link.server.close(1000, null), "nothing to close");
  }

  @Test
  void aDropOfAHalfOpenLinkEndsItAtOnce() {
    link.open(serverListener, null);
    link.halfOpen();
    link.server.cancel(); // the server walks away: a FIN
    assertEquals(1, clock.nextTaskIn() == null ? 0 : 1);
    clock.runUntilIdle();
    assertEquals(List.of("open", "failure EOFException -1 null"), client);
    assertTrue(link.cancelled());
  }

  @Test
  void aCancelBeforeTheServerAcceptedTellsOnlyTheClient() {
    assertFalse(link.cancelled());
    link.client.cancel();
    assertTrue(link.cancelled());
    clock.runUntilIdle();
    assertEquals(List.of("failure IOException -1 null"), client);
    assertEquals(List.of(), server);
  }

  @Test
  void aPongAfterTheLinkWasResetIsNotCounted() {
    link.open(serverListener, null);
    assertTrue(link.client.ping());
    clock.runUntilIdle(); // the ping is read; its pong is on its way
    assertEquals(1, link.client.pongCount());
    assertTrue(link.client.ping());
    link.sever(true);
    clock.runUntilIdle();
    assertEquals(1, link.client.pongCount());
  }

  @Test
  void aClientCloseAfterTheServersCloseFrameArrivedIsNotSentAgain() {
    serverAnswersCloses = false;
    link.open(serverListener, null);
    link.server.close(4002, "");
    clock.runUntilIdle(); // the client's end answered with 4002
    link.client.close(1000, "mine");
    clock.runUntilIdle();
    assertEquals(List.of("open", "closing 4002 ", "closed 4002 "), client);
    assertEquals(List.of("open", "closing 4002 ", "closed 4002 "), server);
  }

  @Test
  void framesInFlightWhenTheLinkGoesHalfOpenAreLost() {
    link.open(serverListener, null);
    link.server.send("in flight to the client");
    link.client.send("in flight to the server");
    link.halfOpen();
    clock.runUntilIdle();
    assertEquals(List.of("open"), client);
    assertEquals(List.of("open"), server);
  }

  @Test
  void aServerThatAnswersACloseLaterFinishesBothEndsThen() {
    serverAnswersCloses = false;
    link.open(serverListener, null);
    link.client.close(1000, "bye");
    clock.runUntilIdle();
    assertEquals(List.of("open", "closing 1000 bye"), server, "not closed before it answers");
    assertTrue(link.server.close(1000, null));
    assertEquals(List.of("open", "closing 1000 bye", "closed 1000 bye"), server, "closed as soon as it answered");
    clock.runUntilIdle();
    assertEquals(List.of("open", "closing 1000 ", "closed 1000 "), client);
  }

  @Test
  void aResetLosesAFinStillInFlight() {
    link.open(serverListener, null);
    link.sever(false); // a FIN on its way to the client
    link.sever(true); // then an RST overtakes it
    clock.runUntilIdle();
    assertEquals(List.of("open", "failure SocketException -1 null"), client, "reset, the FIN was lost");
    assertEquals(List.of("open", "failure SocketException Connection reset"), server);
  }

  @Test
  void aClientThatCancelsBeforeReadingTheFinSeesItsOwnCancel() {
    link.open(serverListener, null);
    link.sever(false);
    link.client.cancel();
    clock.runUntilIdle();
    assertEquals(List.of("open", "failure IOException -1 null"), client);
    assertEquals(List.of("open", "failure EOFException the client went away"), server);
  }

  @Test
  void aRefusalFinishesTheClientsSideAtOnce() {
    link.open(serverListener, null);
    assertTrue(link.server.send("123456789"), "queued");
    link.sever(false); // the server goes away right behind it: its end never answers the 1009
    clock.runUntilIdle();
    assertEquals(List.of("open", "refused 1009", "closed 1009 message too large"), client,
        "closed by the refusal itself, so the FIN behind it reports nothing more");
  }
}
