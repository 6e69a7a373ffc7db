package dev.steadysocket.samples.support;

import dev.steadysocket.SteadySocketException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One-line descriptions of the errors the samples print. A connection the server ended without a
 * close frame arrives as a bare JDK exception ({@code EOFException: null}, {@code SocketException:
 * Connection reset}); those read as a sentence, with the exception kept in parentheses.
 */
public final class ErrorText {
  public static final String NO_CLOSE_FRAME = "server closed the connection without a close frame";
  public static final String RESET = "connection reset by the server";

  private ErrorText() {}

  /** The message, and its cause's when that adds something; one line. */
  public static String describe(Throwable error) {
    String sentence = sentence(error);
    if (sentence != null) {
      return sentence + " (" + technical(error) + ")";
    }
    String message = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    Throwable cause = error.getCause();
    if (cause != null && cause != error) {
      if (sentence(cause) != null && message.endsWith(cause.getClass().getSimpleName() + ": " + cause.getMessage())) {
        // "connection failed: EOFException: null" says no more than its cause does.
        return describe(cause);
      }
      String causeText = cause instanceof SteadySocketException ? describe(cause) : plain(cause);
      if (!message.contains(causeText) && !message.contains(plain(cause))) {
        message += ": " + causeText;
      }
    }
    return message.replace('\n', ' ');
  }

  /** What an abrupt end of the connection means, or null if {@code error} is no such thing. */
  private static @Nullable String sentence(Throwable error) {
    if (error instanceof EOFException) {
      return NO_CLOSE_FRAME;
    }
    if (!(error instanceof IOException) || error.getMessage() == null) {
      return null;
    }
    String message = error.getMessage().toLowerCase(Locale.ROOT);
    if (error instanceof SocketException && message.contains("connection reset")) {
      return RESET;
    }
    if (message.contains("broken pipe")) {
      return NO_CLOSE_FRAME; // we were writing when it went
    }
    return null;
  }

  /** {@code EOFException}, or {@code SocketException: Connection reset}. */
  private static String technical(Throwable error) {
    String name = error.getClass().getSimpleName();
    return error.getMessage() == null ? name : name + ": " + error.getMessage();
  }

  private static String plain(Throwable error) {
    return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
  }
}
