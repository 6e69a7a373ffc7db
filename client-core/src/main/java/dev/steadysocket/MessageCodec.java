package dev.steadysocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.internal.Json;

/**
 * Turns envelopes into text frames and back. The Jackson implementation is the default; supply
 * your own to change the wire format (for example to wrap it in a server-specific frame).
 *
 * <p><b>Threading:</b> {@link #encode} runs on the thread that calls {@code send} (and, for the
 * heartbeat and resume envelopes, on SteadySocket's loop thread), {@link #decode} on OkHttp's reader
 * thread or a SteadySocket dispatch thread; calls may run concurrently, so implementations must be
 * thread-safe, and must not block. A codec that cannot encode a heartbeat leaves pings alone to
 * judge the link.
 */
public interface MessageCodec {

  /** @throws EncodeException if the envelope's content cannot be serialized */
  String encode(Envelope envelope);

  /** @throws DecodeException if {@code text} is not a valid envelope */
  Envelope decode(String text);

  /** The default codec, with SteadySocket's default {@link ObjectMapper} (unknown JSON properties ignored). */
  static MessageCodec jackson() {
    return jackson(Json.defaultMapper());
  }

  /**
   * A codec using {@code mapper} for content conversion. The mapper's configuration (modules,
   * naming strategies) applies to content and typed handlers. Never enable Jackson's default
   * typing on a mapper that reads network input.
   */
  static MessageCodec jackson(ObjectMapper mapper) {
    return new JacksonCodec(mapper);
  }
}
