package dev.steadysocket.samples;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DecodeException;
import dev.steadysocket.EncodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.ListenerException;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.OutboxOverflowException;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.samples.support.ErrorText;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * feed-cli's output: the socket's listener, printing messages to stdout and everything else to
 * stderr, and the terminal outcome as the process exit status. Its callbacks run on the socket's
 * callback executor; with {@code --raw} the {@link #rawTap} prints on OkHttp's reader thread.
 */
final class FeedPrinter implements SteadySocketListener {
  private final FeedOptions options;
  private final PrintStream out;
  private final PrintStream err;
  private final FeedLines lines;
  /** Completed once with the process exit status. */
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicInteger printed = new AtomicInteger();
  /** Set by the thread that printed the last message --count asked for. */
  private volatile boolean countReached;
  /** Closed at --count; assigned before connect(). */
  private volatile @Nullable SteadySocket socket;
  /** Only touched on the callback executor. */
  private int attempt;

  FeedPrinter(FeedOptions options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.lines = new FeedLines(options.pretty);
  }

  /** The socket {@code --count} closes. */
  void closeAtCount(SteadySocket socket) {
    this.socket = socket;
  }

  /** Completes with the exit status when the socket has closed. */
  CompletableFuture<Integer> exitStatus() {
    return exit;
  }

  /** A state line on stderr: {@code 07:55:11.350  * open}. */
  void state(String line) {
    err.println(FeedLines.now() + "  * " + line);
  }

  /** A {@code --metrics} line on stderr, with the time like every other line. Any thread. */
  void metrics(String line) {
    err.println(FeedLines.now() + "  " + line);
  }

  /** Prints a terminal failure as the program's last line and returns {@code status}. */
  int fail(int status, String reason) {
    err.println("feed-cli: " + reason);
    return status;
  }

  @Override
  public void onStateChanged(ConnectionState previous, ConnectionState current) {
    if (current == ConnectionState.CONNECTING && previous == ConnectionState.RECONNECTING) {
      state("connecting (attempt " + attempt + ") …");
    } else if (current == ConnectionState.OPEN) {
      state("open");
    } else if (current == ConnectionState.PAUSED || current == ConnectionState.CLOSING) {
      state(current.name().toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public void onMessage(Envelope envelope) {
    if (options.raw || countReached || !options.accepts(envelope.type())) {
      return;
    }
    out.println(options.json ? lines.wireJson(envelope) : lines.line(envelope));
    counted();
  }

  @Override
  public void onBinaryMessage(byte[] bytes) {
    if (countReached || !options.types.isEmpty()) {
      return;
    }
    out.println(FeedLines.now() + "  <binary " + bytes.length + " bytes> "
        + Base64.getEncoder().encodeToString(bytes));
    counted();
  }

  @Override
  public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
    this.attempt = attempt;
    state(String.format(Locale.ROOT, "reconnecting in %.1f s (attempt %d): %s",
        delay.toMillis() / 1000.0, attempt, ErrorText.describe(cause)));
  }

  @Override
  public void onSetupConfirmed(SetupRegistration setup, Envelope reply) {
    state(FeedSubscriptions.confirmed(setup));
  }

  @Override
  public void onError(SteadySocketException error) {
    String rejected = FeedSubscriptions.rejected(error);
    if (rejected != null) {
      state(rejected);
      return;
    }
    // Connection failures already show in the reconnecting/closed lines.
    if (options.verbose || !isConnectionError(error)) {
      state("error: " + error.getClass().getSimpleName() + ": " + ErrorText.describe(error));
    }
  }

  @Override
  public void onClosed(CloseReason reason) {
    Throwable error = reason.error();
    if (error == null) {
      state("closed: " + reason.code() + (reason.reason().isEmpty() ? "" : " " + reason.reason()));
      exit.complete(FeedCli.EXIT_OK);
      return;
    }
    // The reason follows as the program's last line.
    state("closed");
    String why = ErrorText.describe(error);
    if (error instanceof AuthenticationException) {
      exit.complete(fail(FeedCli.EXIT_AUTH, "credentials rejected: " + why));
    } else if (error instanceof ReconnectAttemptsExhaustedException) {
      exit.complete(fail(FeedCli.EXIT_ATTEMPTS_EXHAUSTED, "reconnect attempts exhausted: " + why));
    } else if (error instanceof HandshakeException) {
      exit.complete(fail(FeedCli.EXIT_HANDSHAKE, "handshake refused: " + why));
    } else {
      exit.complete(fail(FeedCli.EXIT_FAILURE, why));
    }
  }

  private static boolean isConnectionError(Throwable error) {
    return !(error instanceof DecodeException)
        && !(error instanceof ListenerException)
        && !(error instanceof EncodeException)
        && !(error instanceof OutboxOverflowException)
        && !(error instanceof MessageTooLargeException);
  }

  /** Counts a printed message; at --count, closes the socket (onClosed then ends the process). */
  private void counted() {
    if (options.count > 0 && printed.incrementAndGet() == options.count) {
      countReached = true;
      SteadySocket s = socket;
      if (s != null) {
        s.close();
      }
    }
  }

  /**
   * For {@code --raw}: a codec that prints every text frame exactly as it arrived, before {@code
   * delegate} decodes it. Runs on OkHttp's reader thread.
   */
  MessageCodec rawTap(MessageCodec delegate) {
    return new MessageCodec() {
      @Override
      public String encode(Envelope envelope) {
        return delegate.encode(envelope);
      }

      @Override
      public Envelope decode(String text) {
        Envelope envelope;
        try {
          envelope = delegate.decode(text);
        } catch (RuntimeException e) {
          printRaw(text, null);
          throw e;
        }
        printRaw(text, envelope.type());
        return envelope;
      }
    };
  }

  private void printRaw(String text, @Nullable String type) {
    if (countReached || (type == null ? !options.types.isEmpty() : !options.accepts(type))) {
      return;
    }
    out.println(text);
    counted();
  }
}
