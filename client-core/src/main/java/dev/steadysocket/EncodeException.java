package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * An envelope could not be encoded (its content is not serializable by the codec). The send
 * future fails with this; nothing is queued.
 *
 * <p>A {@link MessageCodec} throws it from {@link MessageCodec#encode}; whatever else a codec
 * throws there is wrapped in one. It fails the future of {@link SteadySocket#send(Envelope)} or
 * {@link SteadySocket#request} at once, on the calling thread.
 */
public final class EncodeException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  /**
   * An encoding failure, for {@link MessageCodec} implementations.
   *
   * @param message what could not be encoded; it must not quote secrets
   * @param cause the serializer's exception, or null if none
   */
  public EncodeException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
