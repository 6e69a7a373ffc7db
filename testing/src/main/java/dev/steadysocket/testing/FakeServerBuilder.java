package dev.steadysocket.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link FakeServer}. Not thread-safe: configure it on one thread, then {@link
 * #build()}. Values are checked when the server is built, except where a method says otherwise.
 */
public final class FakeServerBuilder {
  String sender = "fake-server";
  final List<String> streams = new ArrayList<>(List.of("feed"));
  int history = 1_000;
  int dedupeWindow = 4_096;
  Duration resumeGrace = Duration.ofMillis(500);
  boolean loopback;
  @Nullable TestClock clock;

  FakeServerBuilder() {}

  /**
   * The {@code sender} of what the server sends (acknowledgements carry none). Default {@code
   * fake-server}.
   *
   * @param sender the sender name
   * @return this builder
   * @throws NullPointerException if {@code sender} is null
   */
  public FakeServerBuilder sender(String sender) {
    this.sender = Objects.requireNonNull(sender, "sender");
    return this;
  }

  /**
   * The resumable streams (replacing the default {@code feed}).
   *
   * @param names the streams' names, as clients name them in resume positions and {@code
   *     meta.stream}; none gives a server without streams; a name given twice is one stream
   * @return this builder
   * @throws NullPointerException if {@code names} or one of them is null
   */
  public FakeServerBuilder streams(String... names) {
    streams.clear();
    streams.addAll(List.of(names));
    return this;
  }

  /**
   * Entries each stream keeps for resuming clients. Default 1,000. A client further behind gets
   * what is kept (an incomplete replay).
   *
   * @param entries entries per stream, at least 1 ({@link #build()} throws {@link
   *     IllegalArgumentException} otherwise)
   * @return this builder
   */
  public FakeServerBuilder history(int entries) {
    this.history = entries;
    return this;
  }

  /**
   * Message ids remembered for de-duplication. Default 4,096. A repeat older than the window is
   * delivered again.
   *
   * @param ids the window, at least 1 ({@link #build()} throws {@link IllegalArgumentException}
   *     otherwise)
   * @return this builder
   */
  public FakeServerBuilder dedupeWindow(int ids) {
    this.dedupeWindow = ids;
    return this;
  }

  /**
   * How long a connection without a resume header waits for a resume frame before going live.
   * Default 500 ms (virtual time in memory).
   *
   * @param grace the wait, non-null; zero or negative starts the streams live right after the
   *     open, so a client that resumes only by frame misses its replay
   * @return this builder
   */
  public FakeServerBuilder resumeGrace(Duration grace) {
    this.resumeGrace = Objects.requireNonNull(grace, "grace");
    return this;
  }

  /**
   * In memory on {@code clock} (shared with other servers or the test), undoing {@link
   * #loopback()}.
   *
   * @param clock the clock the server's side and its wired sockets run on
   * @return this builder
   */
  public FakeServerBuilder clock(TestClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.loopback = false;
    return this;
  }

  /**
   * On a real loopback port, in real time, undoing {@link #clock}.
   *
   * @return this builder
   */
  public FakeServerBuilder loopback() {
    this.loopback = true;
    this.clock = null;
    return this;
  }

  /**
   * Builds the server; the builder may be used again for another.
   *
   * @return a new server; on loopback already listening
   * @throws IllegalArgumentException if {@link #history} or {@link #dedupeWindow} is below 1
   * @throws java.io.UncheckedIOException on loopback, if no port can be bound
   */
  public FakeServer build() {
    return new FakeServer(this);
  }
}
