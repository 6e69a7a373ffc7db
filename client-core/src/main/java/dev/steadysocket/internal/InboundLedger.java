package dev.steadysocket.internal;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.steadysocket.Envelope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What the inbound delivery guarantees remember: which ids were delivered recently
 * (de-duplication) and where each resumable stream stands (resume). Written by the thread that
 * admits frames (successive connections read on different threads), read by the loop when it
 * connects; everything here is thread-safe. This is the state a persistent store would keep.
 */
final class InboundLedger {
  /** Wire names, documented in the README's "Delivery guarantees". */
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
  /** Per stream, the id of the last envelope handed to the application. */
  private final ConcurrentHashMap<String, String> positions = new ConcurrentHashMap<>();

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
    synchronized (ids) {
      return ids.put(id, Boolean.TRUE) != null;
    }
  }

  /** Records the stream position of an envelope that is being handed to the application. */
  void delivered(Envelope envelope) {
    if (!resume) return;
    String stream = envelope.metaText(META_STREAM);
    String id = envelope.id();
    if (stream != null && id != null) positions.put(stream, id);
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
    return positions.isEmpty() ? Collections.<String, String>emptyMap() : new LinkedHashMap<>(positions);
  }
}
