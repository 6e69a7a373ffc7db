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

  /**
   * Encodes one envelope as the text of one frame.
   *
   * @param envelope the envelope to send: the application's, or a heartbeat or resume envelope
   * @return the frame's text
   * @throws EncodeException if the envelope's content cannot be serialized; any other runtime
   *     exception is wrapped in one, failing that send's future
   */
  String encode(Envelope envelope);

  /**
   * Decodes the text of one frame into an envelope.
   *
   * @param text a text frame exactly as received
   * @return the envelope it holds
   * @throws DecodeException if {@code text} is not a valid envelope; any other runtime exception
   *     is wrapped in one. Either way the frame is skipped, reported to {@code onError} and
   *     counted in {@link Metrics#decodeErrors()}; the connection stays up
   */
  Envelope decode(String text);

  /**
   * The default codec, with SteadySocket's default {@link ObjectMapper} (unknown JSON properties ignored).
   *
   * @return the wire format of docs/wire-format.md, coded with Jackson's streaming API; thread-safe
   */
  static MessageCodec jackson() {
    return jackson(Json.defaultMapper());
  }

  /**
   * A codec using {@code mapper} for content conversion. The mapper's configuration (modules,
   * naming strategies) applies to content and typed handlers. Never enable Jackson's default
   * typing on a mapper that reads network input.
   *
   * @param mapper the mapper for content and meta; the envelope's own fields are always written
   *     and read as docs/wire-format.md says; it must not be reconfigured once in use
   * @return a new Jackson codec using {@code mapper}; thread-safe
   */
  static MessageCodec jackson(ObjectMapper mapper) {
    return new JacksonCodec(mapper);
  }
}
