package dev.steadysocket.reliability;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.AuthenticationException;
import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Envelope;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.TlsException;
import dev.steadysocket.reliability.HostileServer.Conn;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile server: a raw WebSocket server ({@link HostileServer}) that sends what a broken or
 * malicious peer can (huge messages, deflate bombs, floods, redirects, silence, broken TLS) to a
 * client JVM limited to {@code -Xmx256m} (its own Surefire execution, {@code hostile}). Every
 * test asserts the typed outcome, that no OutOfMemoryError happened anywhere, and that the socket
 * (or a new one) still works afterwards; its report row gives the peak heap measured during the
 * scenario and the time to the typed error.
 *
 * <p>Run just this suite: {@code mvn -B -pl client-core test-compile surefire:test@hostile}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileServerTest extends RealPeerTest {
  private static final int MIB = 1 << 20;
  /**
   * The heap a hostile scenario may use at peak (sampled, garbage included). A client that buffers
   * what the server sends needs the whole 256 MiB and fails with OutOfMemoryError; the limits keep
   * the client well below, and this leaves the garbage collector its slack.
   */
  private static final long HEAP_BOUND = 224L * MIB;
  /**
   * What may stay reachable (heap used right after a full GC) while a flood is held back or a full
   * dedupe window is kept: the bounded buffers, not the flood.
   */
  private static final long LIVE_BOUND = 64L * MIB;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HeldCertificate ROOT =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("SteadySocket hostile root").build();
  private static final HeldCertificate SERVER_CERT =
      new HeldCertificate.Builder().signedBy(ROOT).addSubjectAlternativeName("127.0.0.1")
          .addSubjectAlternativeName("localhost").build();

  /** Errors no thread caught (an OutOfMemoryError on OkHttp's reader, for one). */
  private static final List<Throwable> UNCAUGHT = Collections.synchronizedList(new ArrayList<>());

  private static Thread.UncaughtExceptionHandler previousHandler;

  @BeforeAll
  static void watchUncaught() {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      UNCAUGHT.add(e);
      if (previousHandler != null) previousHandler.uncaughtException(t, e);
      else System.err.println("uncaught on " + t.getName() + ": " + e);
    });
    Report.note("Hostile-server JVM max heap", Report.mb(Runtime.getRuntime().maxMemory()) + " (-Xmx256m)");
  }

  @AfterAll
  static void restoreHandler() {
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
  }

  // ------------------------------------------------------------------ 1-3: messages too large

  @Order(1)
  @Test
  void quarterGibTextMessageInContinuationFrames() throws Exception {
    HostileServer server = track(HostileServer.builder("256MiB").sendBuffer(KERNEL_BUFFER).then(c -> {
      if (!c.upgrade()) return;
      c.startReader(false);
      c.markStart();
      for (int i = 0; i < 256 && !c.stop; i++) {
        boolean last = i == 255;
        c.frame(last, false, i == 0 ? HostileServer.TEXT : HostileServer.CONTINUATION, MIB,
            () -> c.stream(MIB, A_MIB));
      }
      c.flush();
    }).then(HostileServer::echo).start());
    // 16 frames of 1 MiB fill the message to the limit and reach OkHttp; the 17th header crosses it.
    refusedAsTooLarge(server,
        "one 256 MiB text message in 256 continuation frames of 1 MiB",
        "MessageTooLargeException to onError, close 1009 to the server, reconnect with backoff (default policy)",
        16L * (MIB + 10) + 10, 96L * MIB);
  }

  @Order(2)
  @Test
  void twoGibMessageInOneFrame() throws Exception {
    HostileServer server = track(HostileServer.builder("2GiB").sendBuffer(KERNEL_BUFFER).then(c -> {
      if (!c.upgrade()) return;
      c.startReader(false);
      c.markStart();
      long length = 1L << 31;
      c.frame(true, false, HostileServer.TEXT, length, () -> c.stream(length, A_64_KIB));
      c.flush();
    }).then(HostileServer::echo).start());
    // Refused at the header: none of the payload is the client's to read.
    refusedAsTooLarge(server,
        "one 2 GiB text message: one frame declaring 2^31 bytes, then streaming them",
        "MessageTooLargeException to onError, close 1009 to the server, reconnect with backoff (default policy)",
        10, 32L * MIB);
  }

  @Order(3)
  @Test
  void permessageDeflateBomb() throws Exception {
    byte[] chunk = HostileServer.zeroDeflateChunk(MIB); // 1 MiB of zeros, sync-flushed
    int copies = 2048; // 2 GiB inflated
    long compressed = (long) chunk.length * copies - 4; // without the final 00 00 ff ff
    HostileServer server = track(HostileServer.builder("deflate-bomb").deflate().sendBuffer(KERNEL_BUFFER).then(c -> {
      if (!c.upgrade()) return;
      if (!c.deflateNegotiated) throw new IllegalStateException("the client did not offer permessage-deflate");
      c.startReader(false);
      c.markStart();
      c.frame(true, true, HostileServer.TEXT, compressed, () -> {
        for (int i = 0; i < copies - 1 && !c.stop; i++) c.write(chunk, 0, chunk.length);
        if (!c.stop) c.write(chunk, 0, chunk.length - 4);
      });
      c.flush();
    }).then(HostileServer::echo).start());
    // Inflated as it arrives: refused within the 17th chunk, whose zeros take the message past 16 MiB.
    refusedAsTooLarge(server,
        String.format(Locale.ROOT, "permessage-deflate bomb: one compressed frame of %.1f MB (RSV1) inflating to 2 GiB of"
            + " zeros; the server accepts the client's permessage-deflate offer", compressed / 1e6),
        "MessageTooLargeException to onError (counted in inflated bytes), close 1009, reconnect with backoff",
        10 + 17L * chunk.length, 64L * MIB);
  }

  // #16 part 1 item 1
  @Order(14)
  @Test
  void permessageDeflateBombBehindALookalikeExtensionName() throws Exception {
    // "perme\u017fsage-deflate": OkHttp's equalsIgnoreCase folds the long s to 'S' and inflates.
    byte[] chunk = HostileServer.zeroDeflateChunk(MIB);
    int copies = 1024; // 1 GiB inflated
    long compressed = (long) chunk.length * copies - 4;
    HostileServer server = track(HostileServer.builder("lookalike").extensionsAnswer("perme\u017fsage-deflate")
        .sendBuffer(KERNEL_BUFFER).then(c -> {
          if (!c.upgrade()) return;
          c.startReader(false);
          c.markStart();
          c.frame(true, true, HostileServer.TEXT, compressed, () -> {
            for (int i = 0; i < copies - 1 && !c.stop; i++) c.write(chunk, 0, chunk.length);
            if (!c.stop) c.write(chunk, 0, chunk.length - 4);
          });
          c.flush();
        }).then(HostileServer::echo).start());
    refusedAsTooLarge(server,
        String.format(Locale.ROOT, "permessage-deflate bomb behind a lookalike extension name: the 101 answers"
            + " 'Sec-WebSocket-Extensions: perme\u017fsage-deflate' (U+017F, which OkHttp's case-insensitive compare"
            + " reads as permessage-deflate), then one compressed frame of %.1f MB inflating to 1 GiB", compressed / 1e6),
        "MessageTooLargeException (counted in inflated bytes), close 1009, reconnect with backoff: the same as for"
            + " the plain name",
        10 + 17L * chunk.length, 64L * MIB);
  }

  /**
   * Rows 1-3: the first connection sends a message too large, the next ones echo. {@code consumed}:
   * the bytes the client may read before the frame header that crosses the limit (frames within
   * the limit, the compressed bytes whose inflated size reaches it). Past them the promise is
   * "refused before it is buffered": the server can have written no more than the kernel buffers
   * hold on both sides, its own 64 KiB output buffer and two 8 KiB client reads. {@code heapBound}:
   * what the scenario may add to the heap at peak (garbage included), far below the message.
   */
  private void refusedAsTooLarge(HostileServer server, String scenario, String expected, long consumed, long heapBound)
      throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket;
    RecordingListener.Error error;
    long peak;
    long start;
    try (HeapWatch heap = new HeapWatch()) {
      start = heap.peak();
      socket = track(builder(server.url("/big"), events).okHttpClient(smallReceiveBuffer()).build());
      socket.connect();
      events.awaitState(OPEN);
      error = awaitError(events, 30_000, heap, server);
      peak = heap.peak();
    }
    Conn first = server.connection(0, 1_000);
    assertInstanceOf(MessageTooLargeException.class, error.error, "the typed error");
    int code = first.awaitClientClose(10_000);
    assertEquals(1009, code, "close code the server received");
    RecordingListener.State reopened = events.awaitState(OPEN);
    List<RecordingListener.Reconnecting> reconnecting = events.recorded(RecordingListener.Reconnecting.class);
    assertEquals(1, reconnecting.size(), "one reconnect: " + reconnecting);
    RecordingListener.Reconnecting r = reconnecting.get(0);
    assertInstanceOf(MessageTooLargeException.class, r.cause);
    assertTrue(r.delay.compareTo(Duration.ofMillis(10)) >= 0, "backoff delay " + r.delay);
    echo(socket, events, "after-too-large");
    assertAlive(peak);
    // Linux doubles SO_SNDBUF / SO_RCVBUF for its bookkeeping: bound by twice what was asked.
    long written = first.bytesWritten.get();
    long writable = consumed + 2L * KERNEL_BUFFER + 2L * KERNEL_BUFFER + 64 * 1024 + 2 * 8192;
    assertTrue(written <= writable, "the server wrote " + written + " bytes before the refusal; at most " + writable
        + " fit before the frame that crosses the limit and the buffers: the client read past the refusal");
    assertTrue(peak - start <= heapBound, "the scenario took the heap from " + Report.mb(start) + " to "
        + Report.mb(peak) + "; at most " + Report.mb(heapBound) + " more: something buffered the message");
    Report.row(Section.HOSTILE, scenario, expected,
        error.error.getClass().getSimpleName() + " (" + shorten(error.error.getMessage()) + "); the server got close "
            + code + " after " + bytes(first.bytesWritten.get()) + " written; reconnect #1 after "
            + r.delay.toMillis() + " ms backoff; OPEN again, echo works",
        "peak heap " + Report.mb(peak) + "; typed error " + Report.ms(error.nanos - first.startNanos)
            + " after the first byte; OPEN again " + Report.ms(reopened.nanos - error.nanos) + " later");
  }

  // ------------------------------------------------------------------ 4: flood while the listener blocks

  @Order(4)
  @Test
  void floodWhileTheListenerBlocks() throws Exception {
    int total = 256 * 1024;
    byte[] pad = new byte[1000];
    Arrays.fill(pad, (byte) 'p');
    byte[] tail = "\"}}".getBytes(StandardCharsets.US_ASCII);
    HostileServer server = track(HostileServer.builder("flood").then(c -> {
      if (!c.upgrade()) return;
      c.startReader(true); // answers the heartbeat's pings (and echoes its envelopes)
      c.markStart();
      for (int i = 0; i < total && !c.stop; i++) {
        byte[] head = ("{\"type\":\"seq\",\"content\":{\"n\":" + i + ",\"pad\":\"").getBytes(StandardCharsets.US_ASCII);
        c.frame(true, false, HostileServer.TEXT, head.length + pad.length + tail.length, () -> {
          c.write(head, 0, head.length);
          c.write(pad, 0, pad.length);
          c.write(tail, 0, tail.length);
        });
        c.messagesWritten.incrementAndGet();
      }
      c.flush();
    }).start());

    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch all = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    AtomicLong gaps = new AtomicLong();
    long[] next = {0};
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    events.divertMessages(HostileServerTest::scenarioMessage, e -> {
      long n = e.content().get("n").asLong();
      if (n == 0) {
        blocked.countDown();
        await(release, 60_000);
      }
      if (n != next[0]) gaps.incrementAndGet();
      next[0] = n + 1;
      if (received.incrementAndGet() == total) all.countDown();
    });
    long peak;
    long live;
    long stalledAt;
    boolean stalled;
    long blockedNanos;
    long deliveredNanos;
    long t0;
    SteadySocket socket;
    try (HeapWatch heap = new HeapWatch()) {
      socket = track(hostileBuilder(server.url("/flood"), events).heartbeat(STEADY_HEARTBEAT).build());
      socket.connect();
      assertTrue(blocked.await(20, TimeUnit.SECONDS), "the first message never reached the listener");
      Conn c = server.connection(0, 1_000);
      // Hold the listener until the server's writes have been stuck for 1 s and 3 s have passed
      // (a bounded poll; the server finishing all its writes means nothing held it back).
      t0 = System.nanoTime();
      long lastCount = -1;
      long lastChange = t0;
      while (true) {
        long now = System.nanoTime();
        long count = c.messagesWritten.get();
        if (count != lastCount) {
          lastCount = count;
          lastChange = now;
        }
        boolean stuck = now - lastChange >= TimeUnit.SECONDS.toNanos(1);
        if ((stuck && now - t0 >= TimeUnit.SECONDS.toNanos(3)) || count >= total
            || now - t0 >= TimeUnit.SECONDS.toNanos(15) || !UNCAUGHT.isEmpty()) {
          stalled = stuck && count < total;
          stalledAt = count;
          break;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      blockedNanos = System.nanoTime() - t0;
      live = heap.liveAfterGc(); // what the held-back flood keeps reachable
      long releasedAt = System.nanoTime();
      release.countDown();
      boolean done = all.await(60, TimeUnit.SECONDS);
      deliveredNanos = System.nanoTime() - releasedAt;
      peak = heap.peak();
      assertTrue(stalled, "the server's writes never blocked while the listener was blocked: it wrote " + stalledAt
          + " of " + total + " messages in " + Report.ms(blockedNanos) + "; peak heap " + Report.mb(peak)
          + ", live after GC " + Report.mb(live) + uncaught());
      assertTrue(done, "only " + received.get() + " of " + total + " messages delivered within 60 s of the release"
          + "; errors " + summary(events.recorded(RecordingListener.Error.class)) + uncaught());
    }
    assertEquals(0, gaps.get(), "sequence numbers not contiguous");
    assertEquals(total, received.get());
    for (RecordingListener.Error e : events.recorded(RecordingListener.Error.class)) {
      fail("unexpected error (a false dead-link verdict?): " + e.error);
    }
    assertTrue(events.recorded(RecordingListener.Reconnecting.class).isEmpty(), "reconnected: " + events.recorded(RecordingListener.Reconnecting.class));
    assertEquals(OPEN, socket.state());
    assertEquals(1, server.accepted(), "one connection throughout");
    echo(socket, events, "after-flood");
    assertAlive(peak);
    assertTrue(live <= LIVE_BOUND, "live heap while the flood was held back: " + Report.mb(live));
    long wire = total * (long) (pad.length + 40);
    Report.row(Section.HOSTILE,
        String.format(Locale.ROOT, "Flood: %,d messages of ~1 KiB (%s) as fast as the socket takes them, while"
            + " onMessage blocks on a latch; Heartbeat 1 s / 1 s on", total, Report.mb(wire)),
        "heap bounded (the reader stops: back-pressure, the server's writes block), no OutOfMemoryError; after the"
            + " release every message arrives, in order, on the same connection; no false dead-link verdict",
        String.format(Locale.ROOT, "the server's writes blocked after %,d of %,d messages; after the release all %,d"
            + " delivered with contiguous sequence numbers, 0 errors, 0 reconnects, still OPEN", stalledAt, total, total),
        "peak heap " + Report.mb(peak) + ", live after GC while held " + Report.mb(live) + "; listener held "
            + Report.ms(blockedNanos) + "; delivery after release " + Report.ms(deliveredNanos));
  }

  // ------------------------------------------------------------------ 5: ping flood

  @Order(5)
  @Test
  void pingFloodFromAServerThatNeverReads() throws Exception {
    byte[] pings = new byte[64 * 127];
    for (int i = 0; i < 64; i++) {
      pings[i * 127] = (byte) 0x89;
      pings[i * 127 + 1] = 125;
      Arrays.fill(pings, i * 127 + 2, i * 127 + 127, (byte) 'p');
    }
    HostileServer server = track(HostileServer.builder("ping-flood").receiveBuffer(4096).then(c -> {
      if (!c.upgrade()) return;
      c.markStart();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      // Bounded by time, not count: the client reads the pings past the pongs owed as fast as they
      // come (it leaves them unanswered), so a count would end the flood within seconds.
      while (!c.stop && System.nanoTime() < deadline) {
        c.write(pings, 0, pings.length); // never reads: our pongs pile up in the client
        c.messagesWritten.addAndGet(64);
      }
      c.flush();
    }).then(HostileServer::echo).start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    RecordingListener.Error error;
    long peak;
    try (HeapWatch heap = new HeapWatch()) {
      SteadySocket socket = track(builder(server.url("/pings"), events).build());
      socket.connect();
      events.awaitState(OPEN);
      error = awaitError(events, 30_000, heap, server);
      peak = heap.peak();
      ProtocolViolationException pv = assertInstanceOf(ProtocolViolationException.class, error.error,
          () -> "the typed error: " + text(error.error));
      assertTrue(pv.getMessage().contains("ping"), pv.getMessage());
      RecordingListener.Closed closed = events.awaitClosed();
      assertInstanceOf(ProtocolViolationException.class, closed.reason.error());
      assertEquals(CLOSED, socket.state());
    }
    Conn first = server.connection(0, 1_000);
    SteadySocket fresh = open(builder(server.url("/echo"), events), events);
    echo(fresh, events, "after-ping-flood");
    assertAlive(peak);
    Report.row(Section.HOSTILE,
        "Ping flood: 125-byte pings as fast as TCP takes them; the server never reads (SO_RCVBUF 4 KiB)",
        "ProtocolViolationException (ping flood) within a few seconds, heap bounded; a new socket works",
        "ProtocolViolationException (" + shorten(error.error.getMessage()) + "), CLOSED (terminal by default); the"
            + String.format(Locale.ROOT, " server wrote %,d pings; a new socket to the same server: OPEN, echo works",
                first.messagesWritten.get()),
        "peak heap " + Report.mb(peak) + "; typed error " + Report.ms(error.nanos - first.startNanos)
            + " after the first ping (pings past 1,024 pongs owed go unanswered; refused once nothing we wrote"
            + " reached the network for 5 s)");
  }

  // #16 part 1 item 7
  @Order(15)
  @Test
  void pingsFromASlowReaderWhileALargeMessageCrossesAreNotAFlood() throws Exception {
    int rate = 64 * 1024; // bytes per second the server reads
    int size = 1_000_000; // within the outbox's 1 MiB per message
    int sendBuffer = 64 * 1024; // the kernel takes little of the message at once: most of it crosses at the rate
    byte[] ping = filled(8, (byte) 'p');
    HostileServer server = track(HostileServer.builder("slow-reader").receiveBuffer(16 * 1024).then(c -> {
      if (!c.upgrade()) return;
      c.throttleReads(rate);
      c.startReader(true);
      c.markStart();
      // A ping every 2 ms until the large message has arrived (bounded: 60 s).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!c.stop && System.nanoTime() < deadline
          && c.frames.stream().noneMatch(f -> f.opcode == HostileServer.TEXT && f.length >= size)) {
        c.ping(ping);
        c.messagesWritten.incrementAndGet();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
    }).start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(server.url("/slow"), events).okHttpClient(withSockets(s -> s.setSendBufferSize(sendBuffer))), events);
    Conn c = server.connection(0, 1_000);
    String pad = "x".repeat(size);
    long t0 = System.nanoTime();
    java.util.concurrent.CompletableFuture<Void> sent = socket.send(Envelope.of("big", Map.of("pad", pad)));
    boolean arrived = poll(() -> c.frames.stream().anyMatch(f -> f.opcode == HostileServer.TEXT && f.length >= size)
        || !events.recorded(RecordingListener.Error.class).isEmpty(), 60_000);
    long nanos = System.nanoTime() - t0;
    assertTrue(events.recorded(RecordingListener.Error.class).isEmpty(), "errors: " + summary(events.recorded(RecordingListener.Error.class))
        + " after " + Report.ms(nanos) + "; the server had read " + c.frames.size() + " whole frames (pongs included)");
    assertTrue(arrived, "the large message did not arrive within 60 s: " + sent + "; the server read "
        + c.frames.size() + " frames, " + bytes(c.frames.stream().mapToLong(f -> f.length).sum()) + "; " + c);
    assertTrue(nanos >= TimeUnit.SECONDS.toNanos(7), "the transfer took only " + Report.ms(nanos)
        + ": too short for pongs to be owed past the cap for the old 5 s");
    sent.get(10, TimeUnit.SECONDS);
    assertEquals(OPEN, socket.state());
    assertTrue(events.recorded(RecordingListener.Reconnecting.class).isEmpty(), "reconnected");
    echo(socket, events, "after-slow-transfer");
    assertAlive(0);
    Report.row(Section.HOSTILE,
        String.format(Locale.ROOT, "Pings every 2 ms from a server that reads at %d KiB/s (SO_RCVBUF 16 KiB) while the"
            + " client sends one %s message (client SO_SNDBUF %d KiB)", rate / 1024, bytes(size), sendBuffer / 1024),
        "no ping flood verdict: pongs owed behind our own frame are not the server's fault (RFC 6455 5.5.3: the"
            + " pings past 1,024 owed go unanswered); the message arrives, the socket stays OPEN",
        String.format(Locale.ROOT, "the message arrived whole after %s; the server sent %,d pings; 0 errors, 0"
            + " reconnects, OPEN, echo works", Report.ms(nanos), c.messagesWritten.get()),
        "transfer " + Report.ms(nanos));
  }

  // ------------------------------------------------------------------ 6: dedupe with long ids

  @Order(6)
  @Test
  void deduplicateWindowWithLongIds() throws Exception {
    int unique = 12_000;
    int window = 10_000;
    byte[] pad = new byte[64 * 1024 - 8];
    Arrays.fill(pad, (byte) 'x');
    byte[] middle = "\",\"type\":\"d\",\"content\":{\"n\":".getBytes(StandardCharsets.US_ASCII);
    HostileServer server = track(HostileServer.builder("dedupe").then(c -> {
      if (!c.upgrade()) return;
      c.startReader(true);
      c.markStart();
      for (int i = 0; i < unique && !c.stop; i++) {
        int copies = i % 100 == 99 ? 2 : 1; // every 100th message is sent twice: a real duplicate
        for (int k = 0; k < copies; k++) {
          byte[] head = String.format(Locale.ROOT, "{\"id\":\"%08d", i).getBytes(StandardCharsets.US_ASCII);
          byte[] end = (i + "}}").getBytes(StandardCharsets.US_ASCII);
          c.frame(true, false, HostileServer.TEXT, head.length + pad.length + middle.length + end.length, () -> {
            c.write(head, 0, head.length);
            c.write(pad, 0, pad.length);
            c.write(middle, 0, middle.length);
            c.write(end, 0, end.length);
          });
          c.messagesWritten.incrementAndGet();
        }
      }
      c.flush();
    }).start());
    int duplicates = unique / 100;
    BitSet seen = new BitSet(unique);
    AtomicLong delivered = new AtomicLong();
    AtomicLong twice = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    events.divertMessages(HostileServerTest::scenarioMessage, e -> {
      String id = e.id();
      int n = Integer.parseInt(id.substring(0, 8));
      if (id.length() != 64 * 1024) throw new AssertionError("id of " + id.length() + " chars");
      if (seen.get(n)) twice.incrementAndGet();
      seen.set(n);
      if (delivered.incrementAndGet() == unique) all.countDown();
    });
    long peak;
    long live;
    long t0 = System.nanoTime();
    SteadySocket socket;
    try (HeapWatch heap = new HeapWatch()) {
      socket = track(hostileBuilder(server.url("/dedupe"), events).deduplicate(window).build());
      socket.connect();
      boolean done = all.await(90, TimeUnit.SECONDS);
      peak = heap.peak();
      live = heap.liveAfterGc(); // the window is full: 10,000 ids kept
      assertTrue(done, "only " + delivered.get() + " of " + unique + " messages delivered in 90 s; peak heap "
          + Report.mb(peak) + "; errors " + summary(events.recorded(RecordingListener.Error.class)) + uncaught());
    }
    long elapsed = System.nanoTime() - t0;
    // The last duplicate follows the last unique message: a bounded poll for its count.
    poll(() -> socket.metrics().duplicatesDropped() >= duplicates, 10_000);
    assertEquals(0, twice.get(), "messages delivered twice");
    assertEquals(unique, seen.cardinality());
    assertEquals(duplicates, socket.metrics().duplicatesDropped(), "real duplicates dropped");
    assertTrue(events.recorded(RecordingListener.Error.class).isEmpty(), "errors: " + events.recorded(RecordingListener.Error.class));
    assertEquals(1, server.accepted());
    echo(socket, events, "after-dedupe");
    assertAlive(peak);
    assertTrue(live <= LIVE_BOUND, "live heap with a full window: " + Report.mb(live));
    double wireMib = (unique + duplicates) * (64.0 * 1024 + 40) / MIB;
    Report.row(Section.HOSTILE,
        String.format(Locale.ROOT, "deduplicate(%,d) and %,d messages with unique 64 KiB ids (plus %d real duplicates),"
            + " %.0f MiB in all", window, unique, duplicates, wireMib),
        "heap bounded (long ids kept as fingerprints), every message delivered once, real duplicates dropped",
        String.format(Locale.ROOT, "%,d delivered, each once; %d duplicates dropped; no error; same connection, echo works",
            unique, socket.metrics().duplicatesDropped()),
        "peak heap " + Report.mb(peak) + ", live after GC with the window full " + Report.mb(live)
            + " (the window's full ids alone would be " + Report.mb((long) window * 64 * 1024) + "); all delivered in "
            + Report.ms(elapsed));
  }

  // ------------------------------------------------------------------ 7: resume with awkward stream names

  @Order(7)
  @Test
  void resumeWithNonAsciiAndNewlineInStreamNamesAndIds() throws Exception {
    Map<String, String> positions = new LinkedHashMap<>();
    positions.put("prix-é", "id-é-1");
    positions.put("ligne\nbreak", "id\n2");
    HostileServer server = track(HostileServer.builder("resume-utf8").then(c -> {
      if (!c.upgrade()) return;
      c.startReader(false);
      for (Map.Entry<String, String> p : positions.entrySet()) {
        c.sendText(JSON.writeValueAsString(Map.of("id", p.getValue(), "type", "tick", "meta", Map.of("stream", p.getKey()))));
      }
    }).then(HostileServer::echo).start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(server.url("/resume"), events).resumeStreams(true), events);
    for (int i = 0; i < positions.size(); i++) events.awaitMessage("tick");
    server.connection(0, 1_000).drop(); // no close frame: the link is just gone
    long dropped = System.nanoTime();
    RecordingListener.State reopened = awaitReopen(events, "after the server dropped the connection");
    Conn second = server.connection(1, 5_000);
    String header = second.header("X-SteadySocket-Resume");
    assertNotNull(header, "no X-SteadySocket-Resume header on the second handshake: " + second.requestHead);
    for (int i = 0; i < header.length(); i++) {
      char ch = header.charAt(i);
      assertTrue(ch >= 0x20 && ch < 0x7f, "header char " + (int) ch + " at " + i + " is not printable ASCII: " + header);
    }
    assertEquals(positions, JSON.readValue(header, new TypeReference<Map<String, String>>() {}), "header positions");
    JsonNode resume = JSON.readTree(second.awaitFirstText(5_000));
    assertEquals("resume", resume.get("type").asText());
    assertEquals(positions, JSON.convertValue(resume.get("content"), new TypeReference<Map<String, String>>() {}));
    echo(socket, events, "after-resume");
    assertAlive(0);
    Report.row(Section.HOSTILE,
        "resumeStreams: stream names and ids with `é` and a newline, then the server drops the connection",
        "the next handshake succeeds; X-SteadySocket-Resume is ASCII-escaped JSON",
        "second handshake sent `X-SteadySocket-Resume: " + header + "` (decodes to both positions); the first frame"
            + " `resume` carries the same; OPEN, echo works",
        "OPEN again " + Report.ms(reopened.nanos - dropped) + " after the drop");
  }

  @Order(8)
  @Test
  void resumeWithAThousandLongStreamNames() throws Exception {
    int streams = 1_000;
    char[] filler = new char[200];
    Arrays.fill(filler, 'n');
    Map<String, String> positions = new LinkedHashMap<>();
    for (int i = 0; i < streams; i++) {
      positions.put(String.format(Locale.ROOT, "stream-%04d-%s", i, new String(filler)), "p-" + i);
    }
    HostileServer server = track(HostileServer.builder("resume-long").then(c -> {
      if (!c.upgrade()) return;
      c.startReader(false);
      for (Map.Entry<String, String> p : positions.entrySet()) {
        c.sendText(JSON.writeValueAsString(Map.of("id", p.getValue(), "type", "tick", "meta", Map.of("stream", p.getKey()))));
      }
    }).then(HostileServer::echo).start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(server.url("/resume"), events).resumeStreams(true), events);
    for (int i = 0; i < streams; i++) events.awaitMessage("tick");
    server.connection(0, 1_000).drop();
    long dropped = System.nanoTime();
    RecordingListener.State reopened = awaitReopen(events, "after the server dropped the connection");
    Conn second = server.connection(1, 5_000);
    assertNull(second.header("X-SteadySocket-Resume"), "the resume header was sent although it is too long");
    int headChars = second.requestHead.length();
    String first = second.awaitFirstText(5_000);
    assertNotNull(first, "no frame after the second handshake");
    JsonNode resume = JSON.readTree(first);
    assertEquals("resume", resume.get("type").asText());
    Map<String, String> got = JSON.convertValue(resume.get("content"), new TypeReference<Map<String, String>>() {});
    assertEquals(positions, got, "positions in the first resume frame");
    echo(socket, events, "after-resume");
    assertAlive(0);
    Report.row(Section.HOSTILE,
        "resumeStreams: 1,000 streams with 211-char names (positions: ~226 KB of JSON), then the server drops the"
            + " connection (request heads over 16 KiB are answered 431, as Node's are)",
        "the header is left out past 4,096 chars; positions still arrive in the first `resume` frame; reconnection works",
        "second handshake without X-SteadySocket-Resume (request head " + headChars + " bytes); the first frame"
            + String.format(Locale.ROOT, " `resume` has all 1,000 positions (%,d chars); OPEN, echo works", first.length()),
        "OPEN again " + Report.ms(reopened.nanos - dropped) + " after the drop");
  }

  // ------------------------------------------------------------------ 8: redirects

  @Order(9)
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"302", "307", "wss-302-ws"})
  void redirectsAreNotFollowed(String kind) throws Exception {
    boolean tls = kind.startsWith("wss");
    int status = tls ? 302 : Integer.parseInt(kind);
    String token = "tok-" + UUID.randomUUID();
    String key = "key-" + UUID.randomUUID();
    HostileServer other = track(HostileServer.builder("redirect-target").start());
    HostileServer.Builder origin = HostileServer.builder("redirect-" + kind).then(c -> {
      if (c.readRequest()) {
        c.respond(status, status == 302 ? "Found" : "Temporary Redirect", "Location: " + other.httpUrl("/stolen"));
      }
    });
    if (tls) origin.tls(serverCertificates(false).sslContext());
    HostileServer server = track(origin.start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocketBuilder b = builder(server.url("/feed"), events)
        .tokenProvider(refresh -> token)
        .tokenHeader("X-Token", "")
        .header("X-Api-Key", key);
    if (tls) b.okHttpClient(trustingRoot(null));
    SteadySocket socket = track(b.build());
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Event end = events.await(RecordingListener.Event.class,
        e -> e instanceof RecordingListener.Closed || (e instanceof RecordingListener.State && ((RecordingListener.State) e).current == OPEN), 20_000);
    if (!(end instanceof RecordingListener.Closed)) {
      Conn leaked = other.connection(0, 1_000);
      fail("followed the " + status + " to " + other.url("") + ": OPEN there; that server received X-Api-Key "
          + (key.equals(leaked.header("X-Api-Key")) ? "(the key)" : leaked.header("X-Api-Key"))
          + " and X-Token " + (token.equals(leaked.header("X-Token")) ? "(the token)" : leaked.header("X-Token"))
          + (tls ? " in plaintext" : ""));
    }
    RecordingListener.Closed closed = (RecordingListener.Closed) end;
    HandshakeException he = assertInstanceOf(HandshakeException.class, closed.reason.error());
    assertEquals(status, he.statusCode());
    assertEquals(CLOSED, socket.state());
    assertEquals(1, socket.metrics().connectionAttempts(), "no retry");
    assertTrue(events.recorded(RecordingListener.Reconnecting.class).isEmpty());
    int targetConnections = other.accepted();
    assertEquals(0, targetConnections, "the redirect target received a connection");
    Conn origin0 = server.connection(0, 1_000);
    assertEquals(key, origin0.header("X-Api-Key"), "the origin itself gets the key");
    assertEquals(1, server.accepted());
    SteadySocket fresh = open(builder(other.url("/feed"), events), events);
    echo(fresh, events, "after-redirect");
    assertAlive(0);
    Report.row(Section.HOSTILE,
        (tls ? "wss:// handshake answered 302 with a plaintext http:// Location" : "Handshake answered " + status
            + " with a Location") + " on another port (a second server); tokenHeader(\"X-Token\", \"\") and"
            + " header(\"X-Api-Key\", …) set",
        "HandshakeException(" + status + "), CLOSED, no retry; the redirect target receives no connection at all",
        "CLOSED: " + shorten(he.getMessage()) + "; 1 attempt; the target accepted " + targetConnections
            + " connections (key and token stayed with the origin" + (tls ? ", never in plaintext" : "") + ")",
        "CLOSED " + Report.ms(closed.nanos - t0) + " after connect()");
  }

  // ------------------------------------------------------------------ 9: a token with a newline

  @Order(10)
  @Test
  void tokenWithANewlineIsRefusedWithoutQuotingIt() throws Exception {
    String secret = "S3cret" + UUID.randomUUID().toString().replace("-", "");
    List<Boolean> calls = Collections.synchronizedList(new ArrayList<>());
    HostileServer server = track(HostileServer.builder("token").start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = track(builder(server.url("/feed"), events)
        .tokenProvider(refresh -> {
          calls.add(refresh);
          return secret + "\n";
        })
        .tokenHeader("X-Token", "")
        .build());
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Closed closed = null;
    AssertionError notClosed = null;
    try {
      closed = awaitClosedOrFail(events, socket);
    } catch (AssertionError e) {
      notClosed = e; // the leaks below are checked first: they are the worse failure
    }
    List<String> leaks = new ArrayList<>();
    for (RecordingListener.Error e : events.recorded(RecordingListener.Error.class)) {
      if (text(e.error).contains(secret)) leaks.add("onError: " + e.error.getClass().getSimpleName());
    }
    for (RecordingListener.Reconnecting r : events.recorded(RecordingListener.Reconnecting.class)) {
      if (text(r.cause).contains(secret)) leaks.add("onReconnecting cause: " + r.cause.getClass().getSimpleName());
    }
    if (closed != null
        && (String.valueOf(closed.reason).contains(secret) || text(closed.reason.error()).contains(secret))) {
      leaks.add("CloseReason");
    }
    assertTrue(leaks.isEmpty(), "the token text appears in " + leaks + " (" + server.accepted() + " handshakes reached"
        + " the server; errors " + summary(events.recorded(RecordingListener.Error.class)).replace(secret, "<TOKEN>") + ")");
    if (notClosed != null) throw notClosed;
    AuthenticationException auth = assertInstanceOf(AuthenticationException.class, closed.reason.error());
    assertEquals(List.of(false, true), calls, "token provider calls (refresh flags)");
    assertEquals(CLOSED, socket.state());
    assertEquals(0, server.accepted(), "a handshake was attempted with the token");
    String headerSecret = "secret-" + UUID.randomUUID();
    IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
        () -> SteadySocket.builder(server.url("/feed")).header("X-Api-Key", headerSecret + "\n"));
    assertTrue(!String.valueOf(iae.getMessage()).contains("secret"), "the message quotes the value: " + iae.getMessage());
    SteadySocket fresh = open(builder(server.url("/feed"), events).tokenProvider(refresh -> "good-token")
        .tokenHeader("X-Token", ""), events);
    echo(fresh, events, "after-token");
    assertEquals("good-token", server.connection(0, 1_000).header("X-Token"));
    assertAlive(0);
    Report.row(Section.HOSTILE,
        "A TokenProvider returning \"TOKEN\\n\" with tokenHeader(\"X-Token\", \"\"); Builder.header(\"X-Api-Key\","
            + " \"secret\\n\")",
        "AuthenticationException after one refresh, CLOSED; the token in no onError message, CloseReason or"
            + " onReconnecting cause; the header value refused with IllegalArgumentException not quoting it",
        "CLOSED: " + shorten(auth.getMessage()) + "; provider asked " + calls + "; no handshake sent; the token"
            + " appears nowhere; header(): " + shorten(iae.getMessage()),
        "CLOSED " + Report.ms(closed.nanos - t0) + " after connect()");
  }

  // ------------------------------------------------------------------ 10: connect timeout vs OkHttp's read timeout

  @Order(11)
  @Test
  void connectTimeoutWinsOverTheClientsShorterReadTimeout() throws Exception {
    HostileServer server = track(HostileServer.builder("silent").then(c -> {
      c.readRequest(); // and never answer: the connection stays open until the client leaves
    }).then(HostileServer::echo).start());
    OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(1)).build();
    track(() -> {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    });
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = track(builder(server.url("/silent"), events)
        .okHttpClient(client)
        .connectTimeout(Duration.ofSeconds(3))
        .build());
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Error error = events.await(RecordingListener.Error.class, x -> true, 20_000);
    long elapsed = error.nanos - t0;
    assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(2_700),
        "the attempt failed after " + Report.ms(elapsed) + ", before the 3 s connect timeout: " + error.error);
    assertTrue(elapsed <= TimeUnit.MILLISECONDS.toNanos(8_000), "the attempt took " + Report.ms(elapsed));
    assertInstanceOf(ConnectionLostException.class, error.error);
    events.awaitState(OPEN);
    echo(socket, events, "after-timeout");
    assertAlive(0);
    Report.row(Section.HOSTILE,
        "connectTimeout(3 s) with an OkHttpClient whose readTimeout is 1 s; the server accepts TCP, reads the request and"
            + " never answers",
        "the attempt fails after ~3 s (not ~1 s) with ConnectionLostException; the next attempt works",
        "ConnectionLostException (" + shorten(error.error.getMessage()) + "); reconnected to a server that answers, echo"
            + " works",
        "attempt failed " + Report.ms(elapsed) + " after connect()");
  }

  // ------------------------------------------------------------------ 11: TLS that cannot succeed

  @Order(12)
  @Test
  void serverRequiringAClientCertificate() throws Exception {
    HostileServer server = track(HostileServer.builder("client-cert")
        .tls(serverCertificates(true).sslContext()).needClientAuth().start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = track(builder(server.url("/feed"), events).okHttpClient(trustingRoot(null)).build());
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Closed closed = awaitClosedOrFail(events, socket);
    TlsException tls = assertInstanceOf(TlsException.class, closed.reason.error(), "the typed error");
    assertEquals(1, socket.metrics().connectionAttempts(), "attempts");
    assertTrue(events.recorded(RecordingListener.Reconnecting.class).isEmpty(), "no reconnect");
    assertEquals(CLOSED, socket.state());
    Throwable serverSide = server.connection(0, 1_000).tlsFailure;
    HeldCertificate clientCert = new HeldCertificate.Builder().signedBy(ROOT).commonName("client").build();
    SteadySocket withCert = open(builder(server.url("/feed"), events).okHttpClient(trustingRoot(clientCert)), events);
    echo(withCert, events, "with-client-cert");
    assertAlive(0);
    Report.row(Section.HOSTILE,
        "wss:// to a server that requires a client certificate (JDK TLS 1.3, needClientAuth); the client has none",
        "TlsException after exactly one attempt, CLOSED",
        "CLOSED: " + shorten(tls.getMessage()) + " (server: " + serverSide + "); 1 attempt; with a client certificate"
            + " the same server accepts the socket, echo works",
        "CLOSED " + Report.ms(closed.nanos - t0) + " after connect()");
  }

  @Order(13)
  @Test
  void serverSpeakingOnlyTls10() throws Exception {
    HostileServer server = track(HostileServer.builder("tls10").then(Conn::tls10ServerHello).start());
    HostileServer benign = track(HostileServer.builder("benign").start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    String url = "wss://127.0.0.1:" + server.port() + "/feed";
    SteadySocket socket = track(builder(url, events).build());
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Closed closed = awaitClosedOrFail(events, socket);
    TlsException tls = assertInstanceOf(TlsException.class, closed.reason.error(), "the typed error");
    assertEquals(1, socket.metrics().connectionAttempts(), "attempts");
    assertTrue(events.recorded(RecordingListener.Reconnecting.class).isEmpty(), "no reconnect");
    assertEquals(CLOSED, socket.state());
    SteadySocket fresh = open(builder(benign.url("/feed"), events), events);
    echo(fresh, events, "after-tls10");
    assertAlive(0);
    Report.row(Section.HOSTILE,
        "wss:// to a server that speaks only TLS 1.0: it answers the ClientHello with a TLS 1.0 ServerHello, as an"
            + " OpenSSL server limited to TLSv1 does (a JDK 17 server cannot: TLSv1 is in jdk.tls.disabledAlgorithms,"
            + " so this server is written by hand)",
        "TlsException after exactly one attempt, CLOSED",
        "CLOSED: " + shorten(tls.getMessage()) + "; 1 attempt; a new socket to a plain server works",
        "CLOSED " + Report.ms(closed.nanos - t0) + " after connect()");
  }

  // ------------------------------------------------------------------ helpers

  private static final byte[] A_MIB = filled(MIB, (byte) 'a');
  private static final byte[] A_64_KIB = filled(64 * 1024, (byte) 'a');
  /**
   * SO_SNDBUF of the server's sockets and SO_RCVBUF of the client's where a scenario bounds the
   * bytes in flight: without it Linux grows them (tcp_rmem allows 32 MiB here), past the limit itself.
   */
  private static final int KERNEL_BUFFER = 256 * 1024;

  /** A client whose sockets hold at most {@link #KERNEL_BUFFER} received bytes in the kernel (set before connecting). */
  private OkHttpClient smallReceiveBuffer() {
    return withSockets(s -> s.setReceiveBufferSize(KERNEL_BUFFER));
  }

  /** Socket options set on each new client socket before it connects. */
  private interface SocketSetup {
    void apply(java.net.Socket socket) throws java.io.IOException;
  }

  /** A client that applies {@code setup} to each socket before it connects; its threads end with the test. */
  private OkHttpClient withSockets(SocketSetup setup) {
    javax.net.SocketFactory factory = new javax.net.SocketFactory() {
      @Override public java.net.Socket createSocket() throws java.io.IOException {
        java.net.Socket s = new java.net.Socket();
        setup.apply(s);
        return s;
      }

      @Override public java.net.Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException("OkHttp connects sockets itself");
      }

      @Override public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) {
        throw new UnsupportedOperationException("OkHttp connects sockets itself");
      }

      @Override public java.net.Socket createSocket(java.net.InetAddress host, int port) {
        throw new UnsupportedOperationException("OkHttp connects sockets itself");
      }

      @Override public java.net.Socket createSocket(java.net.InetAddress a, int port, java.net.InetAddress l, int lp) {
        throw new UnsupportedOperationException("OkHttp connects sockets itself");
      }
    };
    OkHttpClient client = new OkHttpClient.Builder().socketFactory(factory).build();
    track(() -> {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    });
    return client;
  }

  private static byte[] filled(int n, byte b) {
    byte[] a = new byte[n];
    Arrays.fill(a, b);
    return a;
  }

  /** Like {@link RealPeerTest#builder} for a listener that is not an {@link RecordingListener}. */
  private static SteadySocketBuilder hostileBuilder(String url, SteadySocketListener listener) {
    return SteadySocket.builder(url)
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)))
        .minimumUptime(Duration.ZERO)
        .heartbeat(Heartbeat.disabled())
        .closeTimeout(Duration.ofSeconds(2))
        .listener(listener);
  }

  /** The server's certificate chain; with {@code trustClients}, it also trusts client certificates from ROOT. */
  private static HandshakeCertificates serverCertificates(boolean trustClients) {
    HandshakeCertificates.Builder b =
        new HandshakeCertificates.Builder().heldCertificate(SERVER_CERT, ROOT.certificate());
    if (trustClients) b.addTrustedCertificate(ROOT.certificate());
    return b.build();
  }

  /** A client trusting ROOT, presenting {@code clientCert} if not null; its threads end with the test. */
  private OkHttpClient trustingRoot(HeldCertificate clientCert) {
    HandshakeCertificates.Builder b = new HandshakeCertificates.Builder().addTrustedCertificate(ROOT.certificate());
    if (clientCert != null) b.heldCertificate(clientCert);
    HandshakeCertificates certs = b.build();
    OkHttpClient client = new OkHttpClient.Builder().sslSocketFactory(certs.sslSocketFactory(), certs.trustManager()).build();
    track(() -> {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    });
    return client;
  }

  /** The next onError, or a failure saying what happened instead (OutOfMemoryError, heap, the server's side). */
  private static RecordingListener.Error awaitError(RecordingListener events, long millis, HeapWatch heap, HostileServer server) {
    try {
      return events.await(RecordingListener.Error.class, x -> true, millis);
    } catch (AssertionError e) {
      throw new AssertionError("no typed error within " + millis + " ms; peak heap " + Report.mb(heap.peak())
          + "; " + server.connections + uncaught() + "; " + shorten(e.getMessage()), e);
    }
  }

  /** CLOSED, or a failure listing what happened instead (retries, errors). */
  private static RecordingListener.Closed awaitClosedOrFail(RecordingListener events, SteadySocket socket) {
    try {
      return events.await(RecordingListener.Closed.class, x -> true, 20_000);
    } catch (AssertionError e) {
      throw new AssertionError("not CLOSED within 20 s: " + socket.metrics().connectionAttempts() + " attempts, errors "
          + summary(events.recorded(RecordingListener.Error.class)) + uncaught(), e);
    }
  }

  private static RecordingListener.State awaitReopen(RecordingListener events, String when) {
    try {
      return events.await(RecordingListener.State.class, s -> s.current == OPEN, 15_000);
    } catch (AssertionError e) {
      throw new AssertionError("not OPEN again within 15 s " + when + "; errors "
          + summary(events.recorded(RecordingListener.Error.class)) + ", closed " + events.recorded(RecordingListener.Closed.class), e);
    }
  }

  /** No OutOfMemoryError (or any uncaught throwable) anywhere, and the peak below the bound. */
  private static void assertAlive(long peak) {
    assertTrue(UNCAUGHT.isEmpty(), "uncaught: " + UNCAUGHT);
    assertTrue(peak <= HEAP_BOUND, "peak heap " + Report.mb(peak) + " above " + Report.mb(HEAP_BOUND));
  }

  private static String uncaught() {
    synchronized (UNCAUGHT) {
      return UNCAUGHT.isEmpty() ? "" : "; uncaught: " + UNCAUGHT;
    }
  }

  private static void await(CountDownLatch latch, long millis) {
    try {
      latch.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A throwable's class names, messages and toString through its whole cause chain. */
  private static String text(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      b.append(c).append(" | ").append(c.getMessage()).append(" | ");
      for (Throwable s : c.getSuppressed()) b.append(s).append(" | ");
    }
    return b.toString();
  }

  /** Errors grouped by message, with counts: "3 × ConnectionLostException: …". */
  private static String summary(List<RecordingListener.Error> errors) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (RecordingListener.Error e : errors) {
      counts.merge(e.error.getClass().getSimpleName() + ": " + shorten(e.error.getMessage()), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Integer> c : counts.entrySet()) {
      if (parts.size() == 4) {
        parts.add("…");
        break;
      }
      parts.add(c.getValue() + " × " + c.getKey());
    }
    return parts.toString();
  }

  private static String bytes(long n) {
    return n < MIB ? String.format(Locale.ROOT, "%,d KiB", n / 1024) : Report.mb(n);
  }

  private static String shorten(String s) {
    String m = String.valueOf(s);
    return m.length() > 160 ? m.substring(0, 160) + "…" : m;
  }

  /** The scenario's own messages: the test counts them as they arrive; kept, they would fill the 256 MiB heap. */
  private static boolean scenarioMessage(Envelope e) {
    return e.type().equals("seq") || e.type().equals("d");
  }

  /**
   * Samples the used heap every 10 ms on a daemon thread (after a GC, so scenarios start level);
   * {@link #peak()} is the highest sample. Garbage not yet collected counts: it is the heap the
   * JVM had to find room for.
   */
  static final class HeapWatch implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean running = true;
    private final Thread sampler;

    HeapWatch() {
      System.gc();
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
      }
      sample();
      sampler = new Thread(() -> {
        while (running) {
          sample();
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
      }, "heap-watch");
      sampler.setDaemon(true);
      sampler.start();
    }

    private void sample() {
      long used = memory.getHeapMemoryUsage().getUsed();
      peak.accumulateAndGet(used, Math::max);
    }

    long peak() {
      sample();
      return peak.get();
    }

    /** Heap used right after a full GC: what is still reachable. */
    long liveAfterGc() {
      sample();
      System.gc();
      return memory.getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      sampler.join(1_000);
    }
  }

  /** A bounded poll: true once {@code condition} holds, false after {@code millis}. */
  private static boolean poll(BooleanSupplier condition, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= deadline) return false;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return true;
  }
}
