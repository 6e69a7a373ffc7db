package dev.steadysocket.testing.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * FeedProtocol's promises, one session at a time, on a recording socket and hand-run timers: which
 * position a session resumes from (header, first frame, {@code ?from=}, live after the grace), what
 * its replay counts, and how acknowledgements, requests and repeats are answered.
 */
class ServerSessionMutationTest {
  private static final long NOW = 1_700_000_000_000L;

  /** Timers the test runs by hand: each remembers its delay and whether it was called off. */
  private static final class HandTimers implements Timers {
    final List<Timer> scheduled = new ArrayList<>();

    @Override
    public Runnable schedule(Runnable task, Duration delay) {
      Timer t = new Timer(task, delay);
      scheduled.add(t);
      return () -> t.cancelled = true;
    }

    void runAll() {
      for (Timer t : new ArrayList<>(scheduled)) {
        if (!t.cancelled) t.task.run();
      }
    }
  }

  private static final class Timer {
    final Runnable task;
    final Duration delay;
    boolean cancelled;

    Timer(Runnable task, Duration delay) {
      this.task = task;
      this.delay = delay;
    }
  }

  /** The server's end of one connection: records frames; refuses them once closed. */
  private static final class RecordingSocket implements WebSocket {
    final List<ObjectNode> sent = new ArrayList<>();
    boolean open = true;
    int closeCode = -1;
    @Nullable String closeReason;

    @Override public Request request() { return new Request.Builder().url("http://localhost/feed").build(); }
    @Override public long queueSize() { return 0; }
    @Override public boolean send(String text) {
      if (!open) return false;
      sent.add(Envelopes.parseObject(text));
      return true;
    }
    @Override public boolean send(ByteString bytes) { return false; }
    @Override public boolean close(int code, @Nullable String reason) {
      open = false;
      closeCode = code;
      closeReason = reason;
      return true;
    }
    @Override public void cancel() { open = false; }

    List<String> types() {
      List<String> types = new ArrayList<>();
      for (ObjectNode n : sent) types.add(n.path("type").asText());
      return types;
    }

    List<String> ids(String type) {
      List<String> ids = new ArrayList<>();
      for (ObjectNode n : sent) if (n.path("type").asText().equals(type)) ids.add(n.path("id").asText());
      return ids;
    }
  }

  /** Records what the protocol hands the application; a setup message sets a per-session filter. */
  private static final class RecordingHandler implements FeedProtocol.Handler {
    final List<String> events = new ArrayList<>();
    final Map<ServerSession, String> onlyType = new ConcurrentHashMap<>();
    Map<String, Duration> ackDelays = Map.of();

    @Override public void onOpen(ServerSession session) { events.add("open"); }
    @Override public void onMessage(ServerSession session, ObjectNode message, String text) {
      events.add("message " + message.path("type").asText() + " " + message.path("id").asText());
      if (message.path("type").asText().equals("setup")) onlyType.put(session, message.path("content").asText());
    }
    @Override public boolean wants(ServerSession session, FeedEntry entry) {
      String only = onlyType.get(session);
      return only == null || Envelopes.parseObject(entry.text()).path("type").asText().equals(only);
    }
    @Override public @Nullable Duration ackDelay(ServerSession session, String id) {
      return ackDelays.containsKey(id) ? ackDelays.get(id) : Duration.ZERO;
    }
    @Override public @Nullable JsonNode onRequest(ServerSession session, ObjectNode request) {
      events.add("request " + request.path("id").asText());
      return JsonNodeFactory.instance.textNode("answer to " + request.path("content").asText());
    }
    @Override public void onClose(ServerSession session, int code, @Nullable Throwable failure) {
      events.add("close " + code + (failure == null ? "" : " " + failure.getMessage()));
    }
  }

  private final HandTimers timers = new HandTimers();
  private final RecordingHandler handler = new RecordingHandler();
  private final List<String> log = new ArrayList<>();
  private final FeedStream feed = new FeedStream("feed", 3, StreamId.ZERO, null, () -> NOW);
  private final FeedStream news = new FeedStream("news", 10, StreamId.ZERO, null, () -> NOW);
  private final RecordingSocket ws = new RecordingSocket();
  private FeedProtocol protocol = protocol(new MemoryInbox(100));

  private FeedProtocol protocol(Inbox inbox) {
    return FeedProtocol.builder("srv").stream(feed).stream(news).inbox(inbox).handler(handler).timers(timers)
        .clock(() -> NOW + 5).resumeGrace(Duration.ofMillis(250)).log(log::add).build();
  }

  private static Response upgraded() {
    return new Response.Builder().request(new Request.Builder().url("http://localhost/feed").build())
        .protocol(Protocol.HTTP_1_1).code(101).message("Switching Protocols").build();
  }

  private ServerSession open(@Nullable String header, @Nullable String from) {
    ServerSession session = protocol.newSession(header, from, true);
    session.onOpen(ws, upgraded());
    return session;
  }

  private String publish(FeedStream stream, String type) {
    return stream.publish(type, JsonNodeFactory.instance.nullNode(), "srv").id().toString();
  }

  private static String frame(String type, @Nullable String id, boolean ack, String content) {
    ObjectNode n = Envelopes.envelope(type, JsonNodeFactory.instance.textNode(content), id, "app", null, 1);
    if (id == null) n.remove("id");
    if (ack) ((ObjectNode) n.get("meta")).put("ack", true);
    return n.toString();
  }

  // --- Where a session's streams start ---

  @Test
  void aHeaderResumesAtOnceWithoutAGraceTimerAndCountsTheReplay() {
    String a = publish(feed, "t"), b = publish(feed, "t"), c = publish(feed, "t");
    String n1 = publish(news, "n");
    ServerSession session = open("{\"feed\":\"" + a + "\"}", null);
    assertEquals(List.of(b, c), ws.ids("t"), "replayed after the header's position, before any frame");
    assertEquals(List.of(), ws.ids("n"), "a stream the header does not name starts live");
    assertTrue(timers.scheduled.isEmpty(), "no grace to wait for");
    FeedProtocol.Stats stats = protocol.stats();
    assertEquals(1, stats.resumes.get());
    assertEquals(2, stats.replayed.get());
    assertEquals(0, stats.incompleteReplays.get());
    assertTrue(log.stream().anyMatch(l -> l.contains("resume feed after=" + a) && l.contains("source=header")
        && l.contains("replayed=2") && l.contains("complete=true")), log.toString());

    // A later resume frame cannot replay again; new entries of both streams go out live.
    session.onMessage(ws, "{\"type\":\"resume\",\"content\":{\"feed\":\"0\"}}");
    String d = publish(feed, "t"), n2 = publish(news, "n");
    assertEquals(List.of(b, c, d), ws.ids("t"));
    assertEquals(List.of(n2), ws.ids("n"));
    assertEquals(1, stats.resumes.get());
    assertFalse(n1.equals(n2));
  }

  @Test
  void withoutAHeaderEntriesWaitForTheGraceThenFlowLiveFromTheOpen() {
    publish(feed, "t"); // before the open: not for this client
    open(null, null);
    assertEquals(1, timers.scheduled.size());
    assertEquals(Duration.ofMillis(250), timers.scheduled.get(0).delay);
    String during = publish(feed, "t");
    assertEquals(List.of(), ws.types(), "held back until the first frame or the grace");
    timers.runAll();
    assertEquals(List.of(during), ws.ids("t"), "live from the open: what came during the grace too");
    String after = publish(feed, "t");
    assertEquals(List.of(during, after), ws.ids("t"));
    assertEquals(0, protocol.stats().resumes.get(), "live is not a resume");
    assertEquals(1, feed.subscriberCount());
    assertEquals(1, news.subscriberCount());
  }

  @Test
  void aResumeFrameFirstReplaysAndCallsOffTheGrace() {
    String a = publish(feed, "t"), b = publish(feed, "t");
    ServerSession session = open(null, null);
    session.onMessage(ws, "{\"type\":\"resume\",\"content\":{\"feed\":\"" + a + "\",\"news\":{\"no\":1},\"x\":\"bad\"}}");
    assertTrue(timers.scheduled.get(0).cancelled);
    assertEquals(List.of(b), ws.ids("t"));
    assertEquals(List.of("t"), ws.types(), "a resume frame is never answered");
    assertEquals(1, protocol.stats().resumes.get(), "news had no readable position: not a resume");
    assertEquals(1, protocol.stats().replayed.get());
    assertTrue(log.stream().anyMatch(l -> l.contains("source=frame")), log.toString());
    assertFalse(handler.events.stream().anyMatch(e -> e.startsWith("message")), "resume frames are not messages");
    timers.runAll(); // the grace, had it not been called off, could not start the streams twice
    assertEquals(1, feed.subscriberCount());
  }

  @Test
  void aFirstFrameThatIsNotAResumeIsHandledFirstThenTheStreamsStartLive() {
    ServerSession session = open(null, null);
    publish(feed, "t");
    String wanted = publish(feed, "q");
    session.onMessage(ws, frame("setup", "s1", false, "q"));
    assertEquals(List.of("open", "message setup s1"), handler.events);
    assertEquals(List.of("q"), ws.types(), "the setup's filter applies to what came since the open");
    assertEquals(List.of(wanted), ws.ids("q"));
    assertTrue(timers.scheduled.get(0).cancelled);
    assertEquals(0, protocol.stats().resumes.get());
  }

  @Test
  void aFirstFrameThatIsNotJsonDecidesNothing() {
    ServerSession session = open(null, null);
    String during = publish(feed, "t");
    session.onMessage(ws, "not json");
    assertEquals(List.of("ignored a frame that is not a JSON object"), log);
    assertFalse(timers.scheduled.get(0).cancelled, "still waiting for a resume");
    assertEquals(List.of(), ws.types());
    session.onMessage(ws, "{\"type\":\"resume\",\"content\":{\"feed\":\"0\"}}");
    assertEquals(List.of(during), ws.ids("t"));
  }

  @Test
  void aHeartbeatFirstIsEchoedAndStartsTheStreams() {
    ServerSession session = open(null, null);
    String during = publish(feed, "t");
    session.onMessage(ws, frame("heartbeat", "hb-1", false, "ping"));
    ObjectNode echo = ws.sent.get(0);
    assertEquals("heartbeat", echo.path("type").asText());
    assertEquals("hb-1", echo.path("id").asText());
    assertEquals("ping", echo.path("content").asText());
    assertEquals("srv", echo.path("sender").asText());
    assertEquals("app", echo.path("receiver").asText());
    assertEquals(NOW + 5, echo.path("timestamp").asLong(), "stamped with the protocol's clock");
    assertEquals(List.of(during), ws.ids("t"));
    assertFalse(handler.events.stream().anyMatch(e -> e.startsWith("message")), "heartbeats are not messages");
  }

  @Test
  void fromStartsTheStreamsTheClientNamesNoPositionFor() {
    String a = publish(feed, "t"), b = publish(feed, "t");
    String n1 = publish(news, "n"), n2 = publish(news, "n");
    open("{\"news\":\"" + n1 + "\"}", "0");
    assertEquals(List.of(a, b), ws.ids("t"), "?from=0: everything kept");
    assertEquals(List.of(n2), ws.ids("n"), "the header's position wins over from");
    assertEquals(1, protocol.stats().resumes.get(), "from= is not a resume");
    assertEquals(1, protocol.stats().replayed.get());
  }

  @Test
  void fromThatIsNotAnIdLeavesTheStreamsLive() {
    publish(feed, "t");
    open("{}", "yesterday");
    assertEquals(List.of(), ws.types());
    assertTrue(timers.scheduled.isEmpty(), "an empty header object is still a header");
    String live = publish(feed, "t");
    assertEquals(List.of(live), ws.ids("t"));
  }

  @Test
  void aHeaderThatIsNotAnObjectCountsAsAbsent() {
    open("[\"feed\"]", null);
    assertEquals(1, timers.scheduled.size(), "waits for a resume frame");
  }

  @Test
  void aReplayThatCouldNotReachThePositionIsCountedIncomplete() {
    String first = publish(feed, "t");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) ids.add(publish(feed, "t")); // memory keeps 3
    open("{\"feed\":\"" + first + "\"}", null);
    assertEquals(ids.subList(1, 4), ws.ids("t"));
    assertEquals(1, protocol.stats().incompleteReplays.get());
    assertEquals(3, protocol.stats().replayed.get());
    assertTrue(log.stream().anyMatch(l -> l.contains("complete=false")), log.toString());
  }

  @Test
  void aHistoryThatFailsClosesTheConnectionWith1011() {
    FeedStream broken = new FeedStream("broken", 2, new StreamId(50, 0), (after, limit) -> {
      throw new IOException("disk gone");
    }, () -> NOW);
    protocol = FeedProtocol.builder("srv").stream(broken).inbox(new MemoryInbox(1)).timers(timers).log(log::add).build();
    open("{\"broken\":\"1-0\"}", null);
    assertEquals(1011, ws.closeCode);
    assertEquals("replay failed", ws.closeReason);
    assertTrue(log.get(0).startsWith("cannot replay broken after 1-0: java.io.IOException: disk gone"), log.toString());
  }

  @Test
  void aSessionClosedWhileItsReplayRanDoesNotStayLive() {
    ServerSession[] session = new ServerSession[1];
    FeedStream slow = new FeedStream("slow", 2, new StreamId(50, 0), (after, limit) -> {
      session[0].onClosed(ws, 1001, "going away"); // the client leaves while history is read
      return List.of(new FeedEntry(new StreamId(50, 0), "{\"id\":\"50-0\"}"));
    }, () -> NOW);
    protocol = FeedProtocol.builder("srv").stream(slow).inbox(new MemoryInbox(1)).handler(handler).timers(timers).build();
    session[0] = protocol.newSession("{\"slow\":\"1-0\"}", null, true);
    session[0].onOpen(ws, upgraded());
    assertEquals(0, slow.subscriberCount());
    assertEquals(List.of("open", "close 1001"), handler.events);
  }

  // --- Ending ---

  @Test
  void anEndedSessionLeavesTheStreamsAndTheSessionsAndIsReportedOnce() {
    ServerSession session = open("{}", null);
    assertEquals(List.of(session), protocol.sessions());
    assertEquals(1, feed.subscriberCount());
    session.onClosing(ws, 1000, "bye");
    assertEquals(1000, ws.closeCode, "the close is answered");
    session.onClosed(ws, 1000, "bye");
    session.onFailure(ws, new IOException("late"), null);
    assertEquals(List.of("open", "close 1000"), handler.events);
    assertEquals(List.of(), protocol.sessions());
    assertEquals(0, feed.subscriberCount());
    assertEquals(0, news.subscriberCount());
    assertFalse(session.send("x"), "closed");
  }

  @Test
  void aFailureEndsWithCodeMinusOneAndCallsOffTheGrace() {
    ServerSession session = open(null, null);
    session.onFailure(ws, new IOException("reset"), null);
    assertEquals(List.of("open", "close -1 reset"), handler.events);
    assertTrue(timers.scheduled.get(0).cancelled);
  }

  @Test
  void aSessionThatNeverOpenedIsNotReportedClosed() {
    ServerSession session = protocol.newSession(null, null, true);
    assertFalse(session.send("x"), "not open yet");
    session.onFailure(ws, new IOException("refused"), null);
    assertEquals(List.of(), handler.events);
  }

  @Test
  void aSessionThatDoesNotSubscribeGetsNoStreamsButAnswersMessages() {
    publish(feed, "t");
    ServerSession session = protocol.newSession("{\"feed\":\"0\"}", "0", false);
    session.onOpen(ws, upgraded());
    assertFalse(session.subscribes());
    assertTrue(protocol.newSession(null, null, true).subscribes());
    assertEquals(List.of(session), protocol.sessions());
    assertTrue(timers.scheduled.isEmpty());
    assertEquals(0, feed.subscriberCount());
    session.onMessage(ws, frame("chat", "c1", false, "hi"));
    publish(feed, "t");
    assertEquals(List.of(), ws.types());
    assertEquals(List.of("open", "message chat c1"), handler.events);
  }

  // --- Acknowledgements, repeats, requests ---

  @Test
  void anAcknowledgedMessageIsDeliveredOnceAndAcknowledgedEveryTime() {
    ServerSession session = open("{}", null);
    String m = frame("order", "o1", true, "x");
    session.onMessage(ws, m);
    session.onMessage(ws, m);
    session.onMessage(ws, m);
    assertEquals(List.of("open", "message order o1"), handler.events);
    assertEquals(List.of("ack", "ack", "ack"), ws.types());
    assertEquals("o1", ws.sent.get(0).path("meta").path("replyTo").asText());
    assertEquals(NOW + 5, ws.sent.get(0).path("timestamp").asLong());
    FeedProtocol.Stats stats = protocol.stats();
    assertEquals(3, stats.acksSent.get());
    assertEquals(2, stats.duplicatesDropped.get(), "the repeats, not the first");
    assertEquals(0, stats.repliesSent.get());
  }

  @Test
  void anAcknowledgedRequestIsRepliedAndAcknowledgedOnEveryReceiptButNeverHandedOver() {
    ServerSession session = open("{}", null);
    String r = frame("request", "r1", true, "q");
    session.onMessage(ws, r);
    session.onMessage(ws, r);
    assertEquals(List.of("reply", "ack", "reply", "ack"), ws.types());
    ObjectNode reply = ws.sent.get(0);
    assertEquals("reply-r1", reply.path("id").asText());
    assertEquals("r1", reply.path("meta").path("replyTo").asText());
    assertEquals("answer to q", reply.path("content").asText());
    assertEquals("app", reply.path("receiver").asText());
    assertEquals(NOW + 5, reply.path("timestamp").asLong());
    assertEquals(List.of("open", "request r1", "request r1"), handler.events);
    assertEquals(2, protocol.stats().repliesSent.get());
    assertEquals(1, protocol.stats().duplicatesDropped.get());
  }

  @Test
  void aPlainRequestIsRepliedWithoutAnAckAndOneWithoutAnIdIsNotAnswered() {
    ServerSession session = open("{}", null);
    session.onMessage(ws, frame("request", "r2", false, "q"));
    session.onMessage(ws, frame("request", null, false, "q"));
    session.onMessage(ws, frame("request", null, true, "q"));
    assertEquals(List.of("reply"), ws.types());
    assertEquals(List.of("open", "request r2"), handler.events);
    assertEquals(1, protocol.stats().repliesSent.get());
    assertEquals(0, protocol.stats().acksSent.get());
  }

  @Test
  void messagesThatDoNotAskForAnAckAreHandedOverEveryTimeUnacknowledged() {
    ServerSession session = open("{}", null);
    session.onMessage(ws, frame("chat", "c1", false, "a"));
    session.onMessage(ws, frame("chat", "c1", false, "a"));
    session.onMessage(ws, frame("chat", null, true, "b")); // asks, but without an id nothing can be acknowledged
    assertEquals(List.of("open", "message chat c1", "message chat c1", "message chat "), handler.events);
    assertEquals(List.of(), ws.types());
    assertEquals(0, protocol.stats().duplicatesDropped.get());
  }

  @Test
  void ackDelaysAreHonouredLostOrImmediate() {
    handler.ackDelays = new java.util.HashMap<>();
    handler.ackDelays.put("late", Duration.ofSeconds(3));
    handler.ackDelays.put("lost", null);
    handler.ackDelays.put("past", Duration.ofSeconds(-1));
    ServerSession session = open("{}", null);
    session.onMessage(ws, frame("order", "late", true, "x"));
    session.onMessage(ws, frame("order", "lost", true, "x"));
    session.onMessage(ws, frame("order", "past", true, "x"));
    assertEquals(1, ws.sent.size(), "only the negative delay is sent at once");
    assertEquals("past", ws.sent.get(0).path("meta").path("replyTo").asText());
    assertEquals(1, timers.scheduled.size());
    assertEquals(Duration.ofSeconds(3), timers.scheduled.get(0).delay);
    assertEquals(1, protocol.stats().acksLost.get());
    assertEquals(1, protocol.stats().acksSent.get());
    timers.runAll();
    assertEquals("late", ws.sent.get(1).path("meta").path("replyTo").asText());
    assertEquals(2, protocol.stats().acksSent.get());
    assertEquals(2, ws.sent.size());
  }

  @Test
  void anAckOrReplyTheClosedConnectionRefusesIsNotCounted() {
    handler.ackDelays = Map.of("late", Duration.ofSeconds(1));
    ServerSession session = open("{}", null);
    session.onMessage(ws, frame("order", "late", true, "x"));
    ws.open = false;
    timers.runAll();
    session.onMessage(ws, frame("request", "r", false, "q"));
    assertEquals(0, protocol.stats().acksSent.get());
    assertEquals(0, protocol.stats().repliesSent.get());
  }

  @Test
  void aMessageTheInboxCannotRecordIsNotAcknowledged() {
    protocol = protocol((id, message, deliver) -> {
      throw new IllegalStateException("inbox down");
    });
    ServerSession session = open("{}", null);
    session.onMessage(ws, frame("order", "o9", true, "x"));
    assertEquals(List.of(), ws.types());
    assertEquals(List.of("could not record message o9: java.lang.IllegalStateException: inbox down"), log);
    assertEquals(List.of("open"), handler.events);
  }

  @Test
  void theDefaultHandlerEchoesRequestsAndSendsEveryEntry() {
    protocol = FeedProtocol.builder("srv").stream(feed).inbox(new MemoryInbox(1)).timers(timers).build();
    ServerSession session = open("{}", null);
    String live = publish(feed, "t");
    session.onMessage(ws, frame("request", "r", true, "echo me"));
    session.onMessage(ws, frame("quote", "q", false, "not a request by default"));
    assertEquals(List.of("t", "reply", "ack"), ws.types());
    assertEquals(List.of(live), ws.ids("t"));
    assertEquals("echo me", ws.sent.get(1).path("content").asText());
    assertTrue(Math.abs(ws.sent.get(1).path("timestamp").asLong() - System.currentTimeMillis()) < 60_000,
        "the default clock is the wall clock");
  }

  // --- The protocol's own API ---

  @Test
  void theBuilderRequiresAnInboxAndTimersAndKeepsTheStreamsInOrder() {
    NullPointerException noInbox = assertThrows(NullPointerException.class,
        () -> FeedProtocol.builder("s").timers(timers).build());
    assertEquals("inbox", noInbox.getMessage());
    NullPointerException noTimers = assertThrows(NullPointerException.class,
        () -> FeedProtocol.builder("s").inbox(new MemoryInbox(1)).build());
    assertEquals("timers (or scheduler)", noTimers.getMessage());
    assertEquals(List.of("feed", "news"), protocol.streamNames());
    assertSame(feed, protocol.stream("feed"));
    assertNull(protocol.stream("nope"));
    assertSame(protocol.stats(), protocol.stats());
  }

  @Test
  void timersOnAnExecutorRunAndCanBeCalledOff() throws Exception {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    executor.setRemoveOnCancelPolicy(true);
    try {
      Timers t = Timers.of(executor);
      Runnable cancel = t.schedule(() -> {}, Duration.ofHours(1));
      assertEquals(1, executor.getQueue().size());
      cancel.run();
      assertEquals(0, executor.getQueue().size());
      java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
      t.schedule(ran::countDown, Duration.ZERO);
      assertTrue(ran.await(10, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      executor.shutdownNow();
    }
  }
}
