package dev.steadysocket.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** {@link DemoFeedServer}'s settings; the defaults are the documented behaviour. */
public final class DemoFeedServerOptions {
  int port = 0;
  boolean chaos;
  long chaosMinMillis = 3_000;
  long chaosMaxMillis = 6_000;
  long tickerMillis = 200;
  @Nullable String requiredToken;
  @Nullable PrintStream log;
  int historySize = 16_384;
  final List<String> streams = new ArrayList<>();
  @Nullable Consumer<ObjectNode> onMessage;
  @Nullable BiConsumer<Object, ObjectNode> onConnectionMessage;
  @Nullable String authToken;
  Duration resumeGrace = Duration.ofMillis(500);

  public DemoFeedServerOptions port(int port) {
    this.port = port;
    return this;
  }

  /** Cut all connections abruptly at random intervals of a few seconds. */
  public DemoFeedServerOptions chaos(boolean chaos) {
    this.chaos = chaos;
    return this;
  }

  /** Interval between ticker entries; 0 publishes none (the stream stays, silent). */
  public DemoFeedServerOptions tickerMillis(long millis) {
    this.tickerMillis = millis;
    return this;
  }

  /** How many entries of each stream are kept for resuming clients. Default 16,384. */
  public DemoFeedServerOptions historySize(int entries) {
    this.historySize = entries;
    return this;
  }

  /** Declares another resumable stream, fed by {@link DemoFeedServer#publish}. */
  public DemoFeedServerOptions stream(String name) {
    this.streams.add(name);
    return this;
  }

  /**
   * Called with every application message a client sends (not heartbeats, resumes or requests),
   * once per id for acknowledged ones, before the ack is sent. Runs on the connection's reader
   * thread, and for acknowledged messages inside the de-duplication lock: keep it short.
   */
  public DemoFeedServerOptions onMessage(@Nullable Consumer<ObjectNode> onMessage) {
    this.onMessage = onMessage;
    return this;
  }

  /**
   * Like {@link #onMessage}, with the connection it came on (an object that identifies it; the
   * same for all of a connection's messages): to check what each connection saw, in order.
   */
  public DemoFeedServerOptions onConnectionMessage(@Nullable BiConsumer<Object, ObjectNode> hook) {
    this.onConnectionMessage = hook;
    return this;
  }

  /** The token an {@code auth} setup message must carry; null accepts any (see {@link DemoSetup}). */
  public DemoFeedServerOptions authToken(@Nullable String token) {
    this.authToken = token;
    return this;
  }

  /** How long a connection without the resume header waits for a {@code resume} frame. */
  public DemoFeedServerOptions resumeGrace(Duration grace) {
    this.resumeGrace = grace;
    return this;
  }

  /** Refuse upgrades (HTTP 401) without {@code Authorization: Bearer <token>}. */
  public DemoFeedServerOptions requiredToken(@Nullable String token) {
    this.requiredToken = token;
    return this;
  }

  /** Where connection events go; null for none. */
  public DemoFeedServerOptions log(@Nullable PrintStream log) {
    this.log = log;
    return this;
  }
}
