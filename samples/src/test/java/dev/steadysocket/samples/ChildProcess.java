package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program under test, run as a child process. Reader threads move its stdout and stderr lines
 * into queues; the {@code await…} methods poll them with a deadline and fail with everything the
 * program printed so far. Always {@link #close()} it (try-with-resources).
 *
 * <p>The same job as client-core's {@code testkit.ChildProcess}, which lacks what these tests use
 * (stdin lines, SIGTERM with the pipes kept open, waits that end at EOF, an interleaved transcript,
 * {@code java}/{@code java -jar} launchers). One of the two goes when those move into the other.
 */
final class ChildProcess implements AutoCloseable {
  private static final String EOF = "\u0000EOF";

  private final String name;
  private final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> stderr = new LinkedBlockingQueue<>();
  /** Everything printed, interleaved, for failure messages. */
  private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
  private final Writer stdin;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pump(process.getInputStream(), stdout, "out");
    pump(process.getErrorStream(), stderr, "err");
  }

  static ChildProcess start(String name, List<String> command) throws IOException {
    return start(name, command, java.util.Map.of());
  }

  /** With {@code env} added to this JVM's environment. */
  static ChildProcess start(String name, List<String> command, java.util.Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    return new ChildProcess(name, builder.start());
  }

  /** {@code java -cp <this test JVM's classpath> mainClass args…}. */
  static ChildProcess java(Class<?> mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    Collections.addAll(command, args);
    return start(mainClass.getSimpleName(), command);
  }

  /** {@code java -jar jar args…}. */
  static ChildProcess javaJar(File jar, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.getPath());
    Collections.addAll(command, args);
    return start(jar.getName(), command);
  }

  private void pump(InputStream stream, BlockingQueue<String> queue, String label) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  transcript.add(label + "| " + line);
                  queue.add(line);
                }
              } catch (IOException ignored) {
                // The process went away; EOF below tells the waiters.
              }
              queue.add(EOF);
            },
            name + "-" + label);
    thread.setDaemon(true);
    thread.start();
  }

  /** The next stdout line matching {@code regex} (lines before it are consumed). */
  Matcher awaitStdout(String regex, Duration timeout) throws InterruptedException {
    return await(stdout, "stdout", regex, timeout);
  }

  /** The next stderr line matching {@code regex} (lines before it are consumed). */
  Matcher awaitStderr(String regex, Duration timeout) throws InterruptedException {
    return await(stderr, "stderr", regex, timeout);
  }

  private Matcher await(BlockingQueue<String> queue, String which, String regex, Duration timeout)
      throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        return fail(name + ": no " + which + " line matching /" + regex + "/ within " + timeout + "\n" + transcript());
      }
      if (line.equals(EOF)) {
        queue.add(EOF); // later waiters see the end too
        return fail(name + ": " + which + " ended without a line matching /" + regex + "/\n" + transcript());
      }
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return matcher;
      }
    }
  }

  /** All stdout lines until the stream ends (after the process exited). */
  List<String> remainingStdout(Duration timeout) throws InterruptedException {
    List<String> lines = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? stdout.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        return fail(name + ": stdout did not end within " + timeout + "\n" + transcript());
      }
      if (line.equals(EOF)) {
        stdout.add(EOF);
        return lines;
      }
      lines.add(line);
    }
  }

  void writeLine(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  void closeStdin() throws IOException {
    stdin.close();
  }

  /**
   * Sends SIGTERM, which runs the program's shutdown hooks as Ctrl-C's SIGINT would. Through the
   * ProcessHandle: {@code Process.destroy()} would also close our ends of its output pipes.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Kills the process at once (SIGKILL): no shutdown hooks, its sockets reset by the kernel. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(name + ": still running after " + timeout + "\n" + transcript());
    }
    return process.exitValue();
  }

  String transcript() {
    synchronized (transcript) {
      return String.join("\n", transcript);
    }
  }

  /** Ends the process if it still runs: SIGTERM, then SIGKILL after 5 s. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
