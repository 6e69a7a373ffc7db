package dev.steadysocket.testsupport;

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
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program a test runs as a child process: a real peer (Node, nginx, Redis, Python), a probe JVM,
 * a sample's {@code main}, a version query. A reader thread per stream queues its stdout and stderr
 * lines for the test and adds each to an interleaved {@link #transcript()}; the waits fail with
 * that transcript, at their deadline or as soon as the stream ends without the line. Always
 * {@link #close()} it (try-with-resources).
 *
 * <p>Signals go through the {@link ProcessHandle}: {@code Process.destroy()} would also close our
 * ends of the output pipes, losing what the program prints while it stops (a shutdown hook's
 * lines). So after {@link #terminate()}, {@link #kill()} or {@link #close()} its output is still
 * read to the end.
 *
 * <p>Thread use: one test thread. The reader threads are daemons and end with the pipes.
 */
public final class ChildProcess implements AutoCloseable {
  /** How long the readers may take to reach the end of the output once the process is gone. */
  private static final Duration READ_TO_END = Duration.ofSeconds(10);
  /**
   * Queued after a stream's last line and left queued, so that every later wait sees it; a unique
   * instance, compared with {@code ==}, so no line the program prints can be taken for it.
   */
  private static final String END = new String("end of stream");

  private final String name;
  private final Process process;
  private final Writer stdin;
  /** Every line of both streams in the order read, {@code out| } or {@code err| } first. */
  private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
  private final Output stdout;
  private final Output stderr;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.stdout = new Output("stdout", "out", process.getInputStream());
    this.stderr = new Output("stderr", "err", process.getErrorStream());
  }

  /** Starts {@code command} with this JVM's environment; {@code name} labels its failures. */
  public static ChildProcess start(String name, List<String> command) throws IOException {
    return start(name, command, Map.of());
  }

  /** Starts {@code command} with {@code env} added to this JVM's environment. */
  public static ChildProcess start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    return new ChildProcess(name, builder.start());
  }

  /** {@code java -cp <this JVM's class path> mainClass args…}, named after the class. */
  public static ChildProcess java(Class<?> mainClass, String... args) throws IOException {
    return startJava(mainClass.getSimpleName(), List.of("-cp", System.getProperty("java.class.path"),
        mainClass.getName()), args);
  }

  /** {@code java -jar jar args…}, named after the jar. */
  public static ChildProcess javaJar(File jar, String... args) throws IOException {
    return startJava(jar.getName(), List.of("-jar", jar.getPath()), args);
  }

  /** This JVM's {@code java} launcher with {@code options}, then {@code args}. */
  private static ChildProcess startJava(String name, List<String> options, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    Collections.addAll(command, args);
    return start(name, command);
  }

  /** Takes stdout lines until one matches {@code regex}; the lines before it are discarded. */
  public Matcher awaitStdout(String regex, Duration timeout) throws InterruptedException {
    return stdout.await(regex, timeout);
  }

  /** Takes stderr lines until one matches {@code regex}; the lines before it are discarded. */
  public Matcher awaitStderr(String regex, Duration timeout) throws InterruptedException {
    return stderr.await(regex, timeout);
  }

  /** The next stdout line; null if none comes within {@code timeout} or stdout has ended. */
  public String nextStdout(Duration timeout) throws InterruptedException {
    String line = stdout.next(deadline(timeout));
    return line == END ? null : line;
  }

  /** Removes and returns the stdout lines read so far, without waiting. */
  public List<String> drainStdout() {
    return stdout.drain();
  }

  /** Removes and returns the stderr lines read so far, without waiting. */
  public List<String> drainStderr() {
    return stderr.drain();
  }

  /**
   * Every stdout line still to come, once stdout has ended (the process exited, or closed it);
   * fails if it has not ended within {@code timeout}.
   */
  public List<String> remainingStdout(Duration timeout) throws InterruptedException {
    return stdout.remaining(timeout);
  }

  /** Writes {@code line} and a newline to the process's stdin, and flushes. */
  public void writeLine(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Closes the process's stdin: end of input, which the peers here take as "exit now". */
  public void closeStdin() throws IOException {
    stdin.close();
  }

  /**
   * Waits up to {@code timeout} for the process to exit by itself, then for its output to be read
   * to the end; false if it still runs (it is left running).
   */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    readToEnd();
    return true;
  }

  /** {@link #waitFor} that fails if the process still runs after {@code timeout}; its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!waitFor(timeout)) {
      fail(name + ": still running after " + timeout.toMillis() + " ms\n" + transcript());
    }
    return process.exitValue();
  }

  /** The exit code; the process must have exited. */
  public int exitValue() {
    return process.exitValue();
  }

  /**
   * Sends SIGTERM, which runs a JVM's shutdown hooks as Ctrl-C's SIGINT would, and returns; the
   * output pipes stay open.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /**
   * SIGKILL to the process and to every process it started (so none is left holding the pipes or a
   * port), then waits for it and for its output to be read to the end. No shutdown hooks run; the
   * kernel closes its sockets.
   */
  public void kill() throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>();
    process.toHandle().descendants().forEach(tree::add);
    process.toHandle().destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    if (process.waitFor(READ_TO_END.toNanos(), TimeUnit.NANOSECONDS)) {
      readToEnd();
    }
  }

  /** Both streams' lines so far, interleaved in the order read, for failure messages. */
  public String transcript() {
    synchronized (transcript) {
      return String.join("\n", transcript);
    }
  }

  /**
   * Ends the process if it still runs: closes its stdin and sends SIGTERM (either is "exit now" to
   * the programs run here: the peers watch stdin, nginx's watchdog shell and the JVMs take
   * SIGTERM), then {@link #kill()}s it if it is still there 5 s later.
   */
  @Override
  public void close() {
    try {
      try {
        stdin.close();
      } catch (IOException alreadyGone) {
        // The process closed its end; it is exiting or gone.
      }
      if (process.isAlive()) {
        terminate();
        if (!waitFor(Duration.ofSeconds(5))) {
          kill();
        }
      } else {
        readToEnd();
      }
    } catch (InterruptedException e) {
      process.toHandle().destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void readToEnd() throws InterruptedException {
    long deadline = deadline(READ_TO_END);
    stdout.reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    stderr.reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private String exitStatus() {
    return process.isAlive() ? " (still running)" : " (exited with " + process.exitValue() + ")";
  }

  /** One output stream: its reader thread and the lines it queued, then {@link #END}. */
  private final class Output {
    private final String stream;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final Thread reader;

    Output(String stream, String label, InputStream in) {
      this.stream = stream;
      this.reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            transcript.add(label + "| " + line);
            lines.add(line);
          }
        } catch (IOException ignored) {
          // The pipe broke: the same end of the output as EOF.
        }
        lines.add(END);
      }, name + " " + stream);
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line, {@link #END} if the stream has ended, or null at {@code deadline}. */
    String next(long deadline) throws InterruptedException {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == END) {
        lines.add(END);
      }
      return line;
    }

    Matcher await(String regex, Duration timeout) throws InterruptedException {
      Pattern pattern = Pattern.compile(regex);
      long deadline = deadline(timeout);
      while (true) {
        String line = next(deadline);
        if (line == null || line == END) {
          fail(name + ": no " + stream + " line matching /" + regex + "/ "
              + (line == null ? "within " + timeout.toMillis() + " ms" : "before " + stream + " ended")
              + exitStatus() + "\n" + transcript());
        }
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher;
        }
      }
    }

    List<String> remaining(Duration timeout) throws InterruptedException {
      List<String> out = new ArrayList<>();
      long deadline = deadline(timeout);
      while (true) {
        String line = next(deadline);
        if (line == null) {
          fail(name + ": " + stream + " did not end within " + timeout.toMillis() + " ms" + exitStatus()
              + "\n" + transcript());
        }
        if (line == END) {
          return out;
        }
        out.add(line);
      }
    }

    List<String> drain() {
      List<String> out = new ArrayList<>();
      lines.drainTo(out);
      if (!out.isEmpty() && out.get(out.size() - 1) == END) {
        out.remove(out.size() - 1);
        lines.add(END);
      }
      return out;
    }
  }
}
