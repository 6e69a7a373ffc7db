package dev.steadysocket.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way client-core's tests run another process (real peers, nginx, a probe JVM, a version
 * query): its stdout lines are queued for the test and its stderr is kept (last 200 lines) for
 * failure messages. Reader threads are daemons and end with the process's pipes.
 */
public final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> stderrLines = new LinkedBlockingQueue<>();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final Thread outReader;
  private final Thread errReader;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.outReader = reader(process.getInputStream(), name + " stdout", stdout::add);
    this.errReader = reader(process.getErrorStream(), name + " stderr", line -> {
      stderrLines.add(line);
      synchronized (stderrTail) {
        stderrTail.addLast(line);
        if (stderrTail.size() > 200) stderrTail.removeFirst();
      }
    });
  }

  public static ChildProcess start(String name, List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    return new ChildProcess(name, pb.start());
  }

  private static Thread reader(InputStream in, String threadName, java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) sink.accept(line);
      } catch (IOException ignored) {
        // the process went away
      }
    }, threadName);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Takes stdout lines until one matches {@code regex}; earlier lines are discarded. */
  public Matcher awaitStdout(String regex, Duration timeout) throws InterruptedException {
    return await(stdout, "stdout", regex, timeout);
  }

  /** Takes stderr lines until one matches {@code regex}; earlier lines are discarded. */
  public Matcher awaitStderr(String regex, Duration timeout) throws InterruptedException {
    return await(stderrLines, "stderr", regex, timeout);
  }

  private Matcher await(BlockingQueue<String> lines, String what, String regex, Duration timeout)
      throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        fail(name + ": no " + what + " line matching /" + regex + "/ within " + timeout.toMillis() + " ms"
            + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")") + "; stderr: " + stderr());
      }
      Matcher m = p.matcher(line);
      if (m.find()) return m;
    }
  }

  /** The next stdout line, or null if none arrives within {@code timeout}. */
  public String nextStdout(Duration timeout) throws InterruptedException {
    return stdout.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Removes and returns every stdout line read so far. */
  public List<String> drainStdout() {
    List<String> out = new ArrayList<>();
    stdout.drainTo(out);
    return out;
  }

  /**
   * Waits up to {@code timeout} for the process to exit on its own, then for its output to be read
   * to the end; false if it is still running (it is left running).
   */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return false;
    outReader.join(10_000);
    errReader.join(10_000);
    return true;
  }

  /** The exit code; the process must have exited. */
  public int exitValue() {
    return process.exitValue();
  }

  public String stderr() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  /** SIGKILL, then waits for the process and for its output to be read to the end. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    outReader.join(10_000);
    errReader.join(10_000);
  }

  /**
   * Closes stdin, which every child here takes as "exit now"; SIGTERM if it is still there after
   * {@code grace}, SIGKILL two seconds later. Then waits for its output to be read to the end.
   */
  public void stop(Duration grace) throws InterruptedException {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroy();
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    outReader.join(10_000);
    errReader.join(10_000);
  }

  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
