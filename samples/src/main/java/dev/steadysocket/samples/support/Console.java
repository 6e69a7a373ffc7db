package dev.steadysocket.samples.support;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What every sample's {@code main} sets up first: UTF-8 output, and how much the SDK logs. */
public final class Console {
  private Console() {}

  /** Standard output in UTF-8, whatever the platform's default; flushed on every line. */
  public static PrintStream out() {
    return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
  }

  /** Standard error in UTF-8; flushed on every line. */
  public static PrintStream err() {
    return new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
  }

  /**
   * The SLF4J simple logger's level ({@code warn}, {@code debug}…), to stderr. Call it before the
   * first logger exists: simplelogger reads its configuration once.
   */
  public static void logLevel(String level) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }
}
