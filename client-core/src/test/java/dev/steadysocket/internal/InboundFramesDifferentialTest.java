package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import okhttp3.internal.ws.WebSocketReader;
import okio.Buffer;
import okio.ByteString;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/**
 * Valid server streams (plain and compressed messages with context takeover, fragmented at random,
 * pings and pongs between fragments, streams that end themselves) read by OkHttp's own reader
 * inflating by itself, and by OkHttp's reader behind {@link InboundFrames} fed a few bytes per
 * network read: both must see the same messages and control frames, in the same order.
 */
class InboundFramesDifferentialTest {
  // #16 part 1 items 1, 9: inflation moved out of OkHttp must not change what a valid stream means
  @Test
  void validStreamsMeanTheSameBehindTheGuard() throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int run = 0; run < Integer.getInteger("diff.runs", 300); run++) {
      boolean noContextTakeover = random.nextInt(4) == 0;
      Buffer wire = new Buffer();
      List<String> expected = new ArrayList<>();
      generate(random, wire, expected, noContextTakeover);
      Buffer copy = wire.clone();
      List<String> direct = read(copy, noContextTakeover, true);
      assertEquals(expected, direct, "seed " + seed + " run " + run + ": the generator and OkHttp disagree");
      List<String> guarded = read(new Trickle(wire, random), noContextTakeover, false);
      assertEquals(direct, guarded, "seed " + seed + " run " + run + " (noContextTakeover " + noContextTakeover + ")");
    }
  }

  private static void generate(Random random, Buffer wire, List<String> expected, boolean noContextTakeover) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    String[] words = {"alpha", "beta", "gamma", "\u00e9t\u00e9", "\u4e2d\u6587", "\ud83d\ude00", "{\"type\":\"t\"}", " "};
    int messages = 1 + random.nextInt(12);
    for (int m = 0; m < messages; m++) {
      StringBuilder text = new StringBuilder();
      int n = 1 + (random.nextInt(3) == 0 ? random.nextInt(4000) : random.nextInt(40));
      for (int i = 0; i < n; i++) text.append(words[random.nextInt(words.length)]);
      byte[] plain = text.toString().getBytes(StandardCharsets.UTF_8);
      boolean compressed = random.nextBoolean();
      byte[] payload = plain;
      if (compressed) {
        if (noContextTakeover) deflater.reset();
        boolean endsItself = random.nextInt(5) == 0;
        payload = deflate(deflater, plain, endsItself);
        if (endsItself) deflater.reset(); // the client starts a fresh window after it
      }
      int at = 0;
      boolean first = true;
      do {
        int len = payload.length - at == 0 ? 0 : 1 + random.nextInt(Math.min(payload.length - at, 1 + random.nextInt(300)));
        if (random.nextInt(3) == 0) len = payload.length - at;
        boolean fin = at + len == payload.length;
        int b0 = (fin ? 0x80 : 0) | (first ? 0x1 : 0x0) | (first && compressed ? 0x40 : 0);
        writeFrame(wire, b0, payload, at, len);
        at += len;
        first = false;
        if (!fin && random.nextInt(3) == 0) control(random, wire, expected);
        if (!fin && random.nextInt(6) == 0) writeFrame(wire, 0x00, payload, 0, 0); // an empty fragment
        if (fin) break;
      } while (true);
      expected.add("text " + text);
      if (random.nextInt(4) == 0) control(random, wire, expected);
    }
  }

  private static void control(Random random, Buffer wire, List<String> expected) {
    byte[] p = new byte[random.nextInt(126)];
    random.nextBytes(p);
    boolean ping = random.nextBoolean();
    writeFrame(wire, ping ? 0x89 : 0x8a, p, 0, p.length);
    expected.add((ping ? "ping " : "pong ") + ByteString.of(p).hex());
  }

  private static byte[] deflate(Deflater deflater, byte[] data, boolean endsItself) {
    deflater.setInput(data);
    if (endsItself) deflater.finish();
    Buffer out = new Buffer();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = deflater.deflate(chunk, 0, chunk.length, endsItself ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH)) > 0) {
      out.write(chunk, 0, n);
    }
    byte[] all = out.readByteArray();
    return endsItself ? all : java.util.Arrays.copyOf(all, all.length - 4);
  }

  private static void writeFrame(Buffer wire, int b0, byte[] payload, int off, int len) {
    wire.writeByte(b0);
    if (len <= 125) wire.writeByte(len);
    else if (len <= 0xffff) wire.writeByte(126).writeShort(len);
    else wire.writeByte(127).writeLong(len);
    wire.write(payload, off, len);
  }

  private static List<String> read(Source network, boolean noContextTakeover, boolean okHttpInflates) throws IOException {
    List<String> events = new ArrayList<>();
    Source source = network;
    InboundFrames[] guard = new InboundFrames[1];
    if (!okHttpInflates) {
      guard[0] = new InboundFrames(network, 1 << 20, true, noContextTakeover,
          new OutboundFrames(new Buffer(), System::nanoTime), (e, code) -> events.add("tripped " + code + " " + e.getMessage()));
      source = guard[0];
    }
    WebSocketReader reader = new WebSocketReader(true, Okio.buffer(source), new WebSocketReader.FrameCallback() {
      @Override public void onReadMessage(String text) { events.add("text " + text); }
      @Override public void onReadMessage(ByteString bytes) { events.add("binary " + bytes.hex()); }
      @Override public void onReadPing(ByteString p) { events.add("ping " + p.hex()); }
      @Override public void onReadPong(ByteString p) { events.add("pong " + p.hex()); }
      @Override public void onReadClose(int code, String reason) { events.add("close " + code + " " + reason); }
    }, true, noContextTakeover);
    try {
      while (true) reader.processNextFrame();
    } catch (java.io.EOFException end) {
      // the stream ended between frames
    } catch (IOException e) {
      events.add("failed " + e);
    }
    return events;
  }

  /** The network: hands out 1 to 7 bytes per read, so every header and payload is split everywhere. */
  private static final class Trickle implements Source {
    private final Buffer data;
    private final Random random;

    Trickle(Buffer data, Random random) {
      this.data = data;
      this.random = random;
    }

    @Override public long read(Buffer sink, long byteCount) {
      if (data.size() == 0) return -1;
      return data.read(sink, Math.min(byteCount, 1 + random.nextInt(7)));
    }

    @Override public Timeout timeout() { return Timeout.NONE; }

    @Override public void close() {}
  }
}
