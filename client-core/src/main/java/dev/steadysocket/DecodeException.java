package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * A text frame could not be turned into an {@link Envelope} (not JSON, not an object, no string
 * {@code type}, a field of the wrong kind), or an envelope's content did not fit the class of the
 * typed handler registered for its type. The frame is skipped; the connection stays up.
 *
 * <p>Reported to {@link SteadySocketListener#onError} and counted in {@link
 * Metrics#decodeErrors()} (undecodable frames only); thrown at the caller by {@link
 * Envelope#contentAs(Class)} and by {@link MessageCodec#decode}.
 */
public final class DecodeException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  private static final int PREVIEW_CHARS = 200;

  private final transient String rawText;

  /**
   * A decoding failure, for {@link MessageCodec} implementations.
   *
   * @param message what is wrong, e.g. {@code missing "type"}; the exception's message is
   *     this followed by a quoted preview of at most 200 characters of {@code rawText}
   * @param rawText the frame (or content) exactly as received
   * @param cause the parser's exception, or null if none
   */
  public DecodeException(String message, String rawText, @Nullable Throwable cause) {
    super(message + ": " + preview(rawText), cause);
    this.rawText = rawText;
  }

  /**
   * The frame exactly as received. May be large; the exception message holds only a preview.
   *
   * @return the raw text (for a content conversion, the content as JSON); not serialized, so a
   *     deserialized copy of this exception returns null
   */
  public String rawText() {
    return rawText;
  }

  private static String preview(String text) {
    if (text.length() <= PREVIEW_CHARS) return '\'' + text + '\'';
    return '\'' + text.substring(0, PREVIEW_CHARS) + "…' (" + text.length() + " chars)";
  }
}
