package dev.steadysocket.samples;

/** A command line the program cannot run with; the message is shown to the user as one line. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
