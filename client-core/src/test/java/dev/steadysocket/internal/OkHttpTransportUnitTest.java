package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import okhttp3.Request;
import okhttp3.WebSocket;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.Test;

/**
 * {@link OkHttpTransport} without a network: what it forwards to OkHttp's {@link WebSocket}, how a
 * guard's refusal turns the synthetic close into {@code onRefused}, the pong count, and how our
 * pings are handed to the dispatch executor one at a time.
 */
class OkHttpTransportUnitTest {
  /** OkHttp's side, recorded. */
  static final class FakeWebSocket implements WebSocket {
    final List<String> calls = new ArrayList<>();
    boolean accepts = true;
    long queueSize;
    byte[] lastBinary;

    @Override public Request request() { return new Request.Builder().url("http://example.invalid/").build(); }
    @Override public long queueSize() { return queueSize; }

    @Override
    public boolean send(String text) {
      calls.add("send " + text);
      return accepts;
    }

    @Override
    public boolean send(ByteString bytes) {
      lastBinary = bytes.toByteArray();
      return accepts;
    }

    @Override
    public boolean close(int code, String reason) {
      calls.add("close " + code + " " + reason);
      return true;
    }

    @Override public void cancel() { calls.add("cancel"); }
  }

  /** Runs nothing until told: a ping's write stays "in flight". Can refuse work, as a shut-down pool. */
  static final class HeldExecutor implements Executor {
    final List<Runnable> held = new ArrayList<>();
    boolean refuses;

    @Override
    public void execute(Runnable task) {
      if (refuses) throw new RejectedExecutionException("shut down");
      held.add(task);
    }

    void runAll() {
      List<Runnable> now = new ArrayList<>(held);
      held.clear();
      now.forEach(Runnable::run);
    }
  }

  private final OkHttpTransportTest.Events events = new OkHttpTransportTest.Events();
  private final FakeWebSocket ws = new FakeWebSocket();
  private final HeldExecutor dispatch = new HeldExecutor();
  private final OkHttpTransport transport = new OkHttpTransport(events, dispatch);

  OkHttpTransportUnitTest() {
    transport.webSocket = ws;
  }

  private GuardedSocketTest.RawSocket guard(Buffer serverFrames) {
    GuardedSocketTest.RawSocket raw = new GuardedSocketTest.RawSocket(serverFrames);
    transport.guard = new GuardedSocket(raw, 1_000, Extensions.NONE, transport, System::nanoTime);
    return raw;
  }

  @Test
  void binaryMessagesAndTheQueueSizeAreOkHttps() {
    assertTrue(transport.sendBinary(new byte[] {1, 2, 3}));
    assertArrayEquals(new byte[] {1, 2, 3}, ws.lastBinary);
    ws.accepts = false; // OkHttp refuses once closing or past its 16 MiB queue
    assertFalse(transport.sendBinary(new byte[] {4}));
    ws.queueSize = 4_242;
    assertEquals(4_242, transport.queueSize());
  }

  @Test
  void theNegotiatedSubprotocolAndExtensionsAreReported() {
    assertEquals("", transport.extensions());
    dev.steadysocket.Compression agreed = dev.steadysocket.Compression.defaults().withServerNoContextTakeover();
    transport.negotiated("chat.v2", "permessage-deflate; server_no_context_takeover", agreed);
    assertEquals(agreed, transport.compression());
    assertEquals("chat.v2", transport.subprotocol());
    assertEquals("permessage-deflate; server_no_context_takeover", transport.extensions());
  }

  @Test
  void aRefusalIsReportedInsteadOfTheSyntheticCloseAndItsTruncatedMessageDropped() throws Exception {
    SteadySocketException error = Api.get().messageTooLarge("too large");
    transport.tripped(error, 1009);
    transport.onMessage(ws, "the truncated message");
    transport.onMessage(ws, ByteString.of((byte) 1));
    transport.onClosing(ws, 1009, "message too large");
    assertEquals(List.of("close 1009 null"), ws.calls, "the close frame is answered");
    assertEquals("refused 1009", events.next());
    assertTrue(events.queue.isEmpty(), "no message, no onClosing: " + events.queue);
  }

  // #17 part 2 (conformance 7.1.5)
  @Test
  void theMessageEndedBeforeACloseIsDroppedAndTheOneAfterDelivered() throws Exception {
    transport.endedMidMessage();
    transport.onMessage(ws, "the unfinished message");
    transport.onMessage(ws, "the next");
    transport.endedMidMessage();
    transport.onMessage(ws, ByteString.of((byte) 1));
    transport.onMessage(ws, ByteString.of((byte) 2, (byte) 3));
    assertEquals("text the next", events.next());
    assertEquals("binary 2", events.next());
    assertTrue(events.queue.isEmpty(), "" + events.queue);
  }

  @Test
  void anOrdinaryCloseIsAnsweredWithItsCodeOr1000() throws Exception {
    transport.onClosing(ws, 1005, ""); // "no code": may not be sent back
    assertEquals(List.of("close 1000 null"), ws.calls);
    assertEquals("closing 1005 ", events.next());
  }

  @Test
  void thePongCountIncludesThePingsTheServerSent() throws IOException {
    GuardedSocketTest.RawSocket raw = guard(concat(frame(0x89, new byte[0]), frame(0x89, new byte[0]),
        frame(0x8a, new byte[0]), frame(0x8a, new byte[0]), frame(0x8a, new byte[0])));
    assertEquals(0, transport.pongCount());
    Buffer okHttp = new Buffer();
    while (transport.guard.getSource().read(okHttp, 8192) != -1) {}
    assertEquals(5, transport.pongCount(), "3 pongs and 2 pings, all signs of life");
    assertEquals(0, raw.sink.size());
  }

  @Test
  void aPingIsWrittenOnTheDispatchExecutorOneAtATime() {
    GuardedSocketTest.RawSocket raw = guard(new Buffer());
    assertTrue(transport.ping());
    assertEquals(1, dispatch.held.size());
    assertTrue(transport.ping(), "a ping in flight stands for this one");
    assertEquals(1, dispatch.held.size(), "no second write queued behind it");
    assertEquals(0, raw.sink.size(), "written on the executor, not the caller");
    dispatch.runAll();
    assertEquals(6, raw.sink.size());
    assertEquals(0x89, raw.sink.getByte(0) & 0xff);
    assertTrue(transport.ping(), "the next ping once the previous one is written");
    assertEquals(1, dispatch.held.size());
  }

  @Test
  void aPingTheExecutorRefusesIsNotSentAndDoesNotBlockTheNext() {
    guard(new Buffer());
    dispatch.refuses = true;
    assertFalse(transport.ping());
    dispatch.refuses = false;
    assertTrue(transport.ping());
    assertEquals(1, dispatch.held.size(), "not mistaken for a ping still in flight");
  }

  @Test
  void aPingThatFailsToWriteFreesTheWayForTheNext() {
    okio.Sink broken = new okio.ForwardingSink(new Buffer()) {
      @Override
      public void write(Buffer source, long byteCount) throws IOException {
        throw new IOException("broken pipe");
      }
    };
    okio.Socket raw = new okio.Socket() {
      @Override public okio.Source getSource() { return new Buffer(); }
      @Override public okio.Sink getSink() { return broken; }
      @Override public void cancel() {}
    };
    transport.guard = new GuardedSocket(raw, 1_000, Extensions.NONE, transport, System::nanoTime);
    assertTrue(transport.ping());
    dispatch.runAll(); // the writer meets the same failure and reports it; the ping stays quiet
    assertTrue(transport.ping());
    assertEquals(1, dispatch.held.size(), "not mistaken for a ping still in flight");
  }
}
