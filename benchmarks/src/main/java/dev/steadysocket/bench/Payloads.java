package dev.steadysocket.bench;

import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The messages every benchmark uses: envelopes in SteadySocket's wire format, encoded once with the
 * shared codec. Several variants per size (different ids, prices, item lists) so no peer benefits
 * from identical frames.
 */
public final class Payloads {
  public static final int VARIANTS = 64;

  /** The size classes of the issue: ~100 B and ~4 KB. */
  public enum Size {
    SMALL, MEDIUM;

    public String label() {
      return this == SMALL ? "small" : "medium";
    }
  }

  private Payloads() {}

  /** The envelopes of one size class, deterministic (seeded). */
  public static List<Envelope> envelopes(Size size) {
    Random r = new Random(size == Size.SMALL ? 42 : 4242);
    List<Envelope> out = new ArrayList<>();
    for (int i = 0; i < VARIANTS; i++) {
      Map<String, Object> content = new LinkedHashMap<>();
      if (size == Size.SMALL) {
        content.put("s", "ACME");
        content.put("p", Math.round(r.nextDouble() * 100_000) / 100.0);
        content.put("q", r.nextInt(1000));
      } else {
        content.put("book", "ACME");
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int j = 0; j < 56; j++) {
          Map<String, Object> level = new LinkedHashMap<>();
          level.put("side", j % 2 == 0 ? "bid" : "ask");
          level.put("price", Math.round(r.nextDouble() * 100_000) / 100.0);
          level.put("size", r.nextInt(100_000));
          level.put("venue", "XNAS");
          levels.add(level);
        }
        content.put("levels", levels);
      }
      out.add(Envelope.builder(size == Size.SMALL ? "tick" : "book")
          .id(new java.util.UUID(r.nextLong(), r.nextLong()).toString())
          .timestamp(1_700_000_000_000L + i)
          .content(content)
          .build());
    }
    return out;
  }

  /** The envelopes encoded with the shared codec. */
  public static List<String> texts(Size size) {
    MessageCodec codec = Codec.CODEC;
    List<String> out = new ArrayList<>();
    for (Envelope e : envelopes(size)) out.add(codec.encode(e));
    return out;
  }

  public static List<byte[]> utf8(Size size) {
    List<byte[]> out = new ArrayList<>();
    for (String s : texts(size)) out.add(s.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  public static double meanBytes(Size size) {
    return utf8(size).stream().mapToInt(b -> b.length).average().orElse(0);
  }

  public static Size parse(String s) {
    return "medium".equals(s) ? Size.MEDIUM : Size.SMALL;
  }
}
