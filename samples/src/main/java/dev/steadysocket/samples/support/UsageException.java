package dev.steadysocket.samples.support;

/** A command line the program cannot run with; the message is shown to the user as one line. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
