package dev.steadysocket.internal;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.steadysocket.Envelope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the inbound delivery guarantees remember: which ids were delivered recently
 * (de-duplication) and where each resumable stream stands (resume). Written by the thread that
 * admits frames (successive connections read on different threads), read by the loop when it
 * connects; everything here is thread-safe. This is the state a persistent store would keep.
 */
final class InboundLedger {
  /** Wire names, documented in docs/delivery.md. */
  static final String META_REPLY_TO = "replyTo";

  static final String META_ACK = "ack";
  static final String META_STREAM = "stream";
  static final String TYPE_ACK = "ack";
  static final String TYPE_RESUME = "resume";
  static final String RESUME_HEADER = "X-SteadySocket-Resume";

  private final int dedupWindow;
  /** Guarded by itself. Insertion-ordered: the eldest id is forgotten first. */
  private final @Nullable Map<String, Boolean> recentIds;

  private final boolean resume;
  /**
   * Guarded by itself. Per stream, the id of the last envelope handed to the application; at most
   * {@link #MAX_STREAMS} streams, the least recently advanced forgotten first.
   */
  private final Map<String, String> positions =
      new LinkedHashMap<String, String>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_STREAMS;
        }
      };

  /** Ids longer than this are remembered for de-duplication by a SHA-256 fingerprint. */
  static final int MAX_KEPT_ID_CHARS = 64;
  /** The most streams whose resume position is kept. */
  static final int MAX_STREAMS = 1024;
  /** Stream names and ids longer than this are not recorded as resume positions. */
  static final int MAX_POSITION_CHARS = 1024;

  InboundLedger(int dedupWindow, boolean resume) {
    this.dedupWindow = dedupWindow;
    this.recentIds =
        dedupWindow <= 0
            ? null
            : new LinkedHashMap<String, Boolean>(Math.min(dedupWindow, 1 << 16) * 2, 0.75f) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > InboundLedger.this.dedupWindow;
                }
              };
    this.resume = resume;
  }

  /** True if some guarantee needs each frame decoded and recorded in arrival order. */
  boolean needsArrivalOrder() {
    return recentIds != null || resume;
  }

  /** True if {@code envelope}'s id was seen within the window; records it otherwise. */
  boolean isDuplicate(Envelope envelope) {
    Map<String, Boolean> ids = recentIds;
    String id = envelope.id();
    if (ids == null || id == null) return false;
    String key = id.length() <= MAX_KEPT_ID_CHARS ? id : fingerprint(id);
    synchronized (ids) {
      return ids.put(key, Boolean.TRUE) != null;
    }
  }

  /**
   * A long id's stand-in in the window: memory per entry stays bounded whatever the server sends
   * (ids may be 20 M chars). The '#' prefix keeps it apart from short ids, which are kept as is.
   */
  static String fingerprint(String id) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(id.getBytes(StandardCharsets.UTF_8));
      return "#" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Records the stream position of an envelope that is being handed to the application. */
  void delivered(Envelope envelope) {
    if (!resume) return;
    String stream = envelope.metaText(META_STREAM);
    String id = envelope.id();
    if (stream == null || id == null) return;
    if (stream.length() > MAX_POSITION_CHARS || id.length() > MAX_POSITION_CHARS) return;
    synchronized (positions) {
      positions.put(stream, id);
    }
  }

  boolean resumes() {
    return resume;
  }

  /** Longest resume header sent; past it, the positions travel only in the first frame. */
  static final int MAX_RESUME_HEADER_CHARS = 4096;

  private static final ObjectWriter HEADER_JSON =
      Json.defaultMapper().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  /**
   * Extra handshake headers for the next attempt: the resume positions, when resuming, as JSON
   * whose every character an HTTP header may carry (non-ASCII and controls escaped), so no stream
   * name or id can make a handshake fail; omitted past {@link #MAX_RESUME_HEADER_CHARS}.
   */
  Map<String, String> handshakeHeaders() {
    if (!resume) return Collections.emptyMap();
    String json;
    try {
      // Jackson leaves DEL (0x7f) as is, and HTTP forbids it: escape it too, as JSON allows.
      json = HEADER_JSON.writeValueAsString(positions()).replace(String.valueOf((char) 0x7f), "\\u007f");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // a map of strings always serializes
    }
    if (json.length() > MAX_RESUME_HEADER_CHARS) return Collections.emptyMap();
    return Collections.singletonMap(RESUME_HEADER, json);
  }

  /** The first frame of a resuming connection: the same positions as the handshake header. */
  Envelope resumeFrame(long nowMillis) {
    return Envelope.builder(TYPE_RESUME).timestamp(nowMillis).content(positions()).build();
  }

  /** A snapshot of the positions, or empty. */
  private Map<String, String> positions() {
    synchronized (positions) {
      return positions.isEmpty() ? Collections.<String, String>emptyMap() : new LinkedHashMap<>(positions);
    }
  }
}
