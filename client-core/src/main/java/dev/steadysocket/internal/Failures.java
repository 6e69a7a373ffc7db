package dev.steadysocket.internal;

import dev.steadysocket.Disconnect;
import dev.steadysocket.SteadySocketException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/** Turns what a transport reported into a typed {@link Disconnect}. Pure functions. */
final class Failures {
  private Failures() {}

  /** The longest Retry-After header value read; longer digit strings are out of range anyway. */
  private static final int MAX_RETRY_AFTER_CHARS = 64;

  /**
   * @param retryAfterCeiling the longest Retry-After honoured; longer values are clamped to it
   * @param nowMillis wall-clock time, for a Retry-After given as an HTTP date
   */
  static Disconnect fromFailure(
      Throwable t,
      int status,
      @Nullable String retryAfterHeader,
      boolean wasOpen,
      Duration retryAfterCeiling,
      long nowMillis) {
    if (status != -1 && status != 101) {
      Duration retryAfter = parseRetryAfter(retryAfterHeader, retryAfterCeiling, nowMillis);
      SteadySocketException error =
          status == 401 || status == 403
              ? Api.get().authentication(status, -1, "server rejected the credentials: HTTP " + status)
              : Api.get().handshake(status, handshakeMessage(status));
      return Api.get().disconnect(
          Disconnect.Kind.HANDSHAKE_REJECTED, status, -1, retryAfter, wasOpen, error);
    }
    return Api.get().disconnect(
        Disconnect.Kind.TRANSPORT_FAILURE, status, -1, null, wasOpen, transportError(t));
  }

  static Disconnect fromServerClose(int code, String reason, boolean wasOpen) {
    String text = "server closed the connection: " + code + (reason.isEmpty() ? "" : " " + reason);
    dev.steadysocket.SteadySocketException error;
    switch (code) {
      case 1008:
        error = Api.get().authentication(-1, code, text);
        break;
      case 1002:
      case 1003:
      case 1007:
      case 1009:
      case 1010:
        error = Api.get().protocolViolation(code, text, null);
        break;
      default:
        error = Api.get().connectionLost(text, null);
    }
    return Api.get().disconnect(Disconnect.Kind.CLOSED_BY_SERVER, -1, code, null, wasOpen, error);
  }

  /** The transport refused what the server sent (a limit) and closed with {@code closeCode}. */
  static Disconnect refused(dev.steadysocket.SteadySocketException error, int closeCode, boolean wasOpen) {
    return Api.get().disconnect(Disconnect.Kind.TRANSPORT_FAILURE, -1, closeCode, null, wasOpen, error);
  }

  static Disconnect deadLink(Duration silence) {
    return Api.get().disconnect(
        Disconnect.Kind.DEAD_LINK, -1, -1, null, true,
        Api.get().deadLink("no frame or pong for " + LoopTasks.millis(silence) + " ms after a heartbeat"));
  }

  /** The attempt did not open within the connect timeout; {@code awaitingToken} says what it waited for. */
  static Disconnect connectTimeout(Duration timeout, boolean awaitingToken) {
    String what = awaitingToken ? "the token provider did not answer" : "handshake did not complete";
    return Api.get().disconnect(
        Disconnect.Kind.TRANSPORT_FAILURE, -1, -1, null, false,
        Api.get().connectionLost(
            what + " within " + LoopTasks.millis(timeout) + " ms", new SocketTimeoutException(what)));
  }

  /** What a codec threw while encoding, as an {@link EncodeException} (itself if it is one). */
  static dev.steadysocket.EncodeException encodeFailure(String what, Throwable t) {
    return t instanceof dev.steadysocket.EncodeException
        ? (dev.steadysocket.EncodeException) t
        : new dev.steadysocket.EncodeException(what + ": " + Quiet.describe(t), t);
  }

  /** The attempt could not start: the token provider failed, or the transport refused to connect. */
  static Disconnect localFailure(dev.steadysocket.SteadySocketException error) {
    return Api.get().disconnect(Disconnect.Kind.TRANSPORT_FAILURE, -1, -1, null, false, error);
  }

  /** What the token provider threw, typed. Its message is not copied: it may quote the token. */
  static dev.steadysocket.SteadySocketException tokenFailure(Throwable t) {
    if (t instanceof java.io.IOException) {
      return Api.get().connectionLost("token provider failed: " + t.getClass().getName(), t);
    }
    return Api.get().listener("token provider threw " + t.getClass().getName(), t);
  }

  private static dev.steadysocket.SteadySocketException transportError(Throwable t) {
    if (t instanceof ProtocolException) {
      return Api.get().protocolViolation(-1, "protocol error: " + Quiet.message(t), t);
    }
    Throwable tls = certificateProblem(t);
    if (tls != null) return Api.get().tls("TLS certificate rejected: " + rootMessage(tls), t);
    tls = hopelessHandshake(t);
    if (tls != null) return Api.get().tls("TLS handshake cannot succeed: " + rootMessage(tls), t);
    if (t instanceof UnknownHostException) {
      return Api.get().connectionLost("unknown host: " + Quiet.message(t), t);
    }
    return Api.get().connectionLost(
        "connection failed: " + t.getClass().getSimpleName() + ": " + Quiet.message(t), t);
  }

  /**
   * The attempt that completes a run of {@code attempts} consecutive attempts the server refused
   * with the same fatal TLS {@code alert} (see {@link RepeatedTlsAlert}); {@code cause} is what the
   * transport reported for it.
   */
  static Disconnect repeatedAlert(String alert, int attempts, Throwable cause) {
    return Api.get().disconnect(
        Disconnect.Kind.TRANSPORT_FAILURE, -1, -1, null, false,
        Api.get().tls("TLS handshake cannot succeed: the server answered " + attempts
            + " consecutive attempts with the fatal alert " + alert, cause));
  }

  /** Certificate problems do not heal by retrying; a peer that hung up mid-handshake may. */
  private static @Nullable Throwable certificateProblem(Throwable t) {
    return find(t, c -> c instanceof SSLPeerUnverifiedException || c instanceof CertificateException
        || c.getClass().getName().endsWith("CertPathValidatorException"));
  }

  /**
   * TLS alerts and errors that mean the two sides cannot agree, which no retry changes: no common
   * protocol version or cipher suite, or the server requires (or refused) a client certificate. A
   * peer that hung up mid-handshake is not among them: that may heal. Matched in lower case, so
   * BoringSSL's names (Android: {@code TLSV1_ALERT_PROTOCOL_VERSION}) match too.
   */
  private static final String[] HOPELESS_TLS = {
    "protocol_version", "no appropriate protocol", "handshake_failure", "insufficient_security",
    "no cipher suites in common", "no negotiable cipher suite", "certificate_required",
    "bad_certificate", "unsupported_certificate", "certificate_unknown", "unknown_ca", "access_denied",
    // The JDK client's own refusal of the version a server chose (a server that speaks only TLS 1.0)
    "not accepted by client preferences"
  };

  private static @Nullable Throwable hopelessHandshake(Throwable t) {
    return find(t, c -> {
      String text = Quiet.message(c);
      if (!(c instanceof SSLException) || text == null) return false;
      String m = text.toLowerCase(Locale.ROOT);
      for (String s : HOPELESS_TLS) if (m.contains(s)) return true;
      return false;
    });
  }

  /** A fatal alert as the JDK ("Received fatal alert: x") or BoringSSL ("TLSV1_ALERT_X") reports it. */
  private static final Pattern ALERT =
      Pattern.compile("(?:received fatal alert: |(?:sslv3|tlsv1|tlsv13)_alert_)([a-z_]+)");

  /**
   * The fatal alert the server sent, named as in RFC 8446 ({@code internal_error}), anywhere in
   * {@code t}'s failure tree; null if there is none. {@code close_notify} and {@code user_canceled}
   * close a connection rather than refuse a handshake and do not count.
   */
  static @Nullable String receivedAlert(Throwable t) {
    String[] alert = new String[1];
    find(t, c -> {
      String text = Quiet.message(c);
      if (!(c instanceof SSLException) || text == null) return false;
      Matcher m = ALERT.matcher(text.toLowerCase(Locale.ROOT));
      if (!m.find() || m.group(1).equals("close_notify") || m.group(1).equals("user_canceled")) return false;
      alert[0] = m.group(1);
      return true;
    });
    return alert[0];
  }

  /** Nodes of a failure's tree looked at, at most: OkHttp's have a few, one per route tried. */
  private static final int MAX_NODES = 64;

  /**
   * The first throwable in {@code t}'s tree that {@code p} accepts, or null: {@code t}, its causes,
   * then what each of them suppressed, depth first. OkHttp 5 throws the first route's failure and
   * attaches the other routes' as suppressed, so a TLS refusal may sit behind a refused connection
   * (a name that resolves to {@code ::1} and {@code 127.0.0.1} with a server on one of them).
   * Cycles end the walk's branch; so does the node limit.
   */
  private static @Nullable Throwable find(Throwable t, Predicate<Throwable> p) {
    Deque<Throwable> todo = new ArrayDeque<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    todo.push(t);
    while (!todo.isEmpty() && seen.size() < MAX_NODES) {
      Throwable c = todo.pop();
      if (!seen.add(c)) continue;
      if (p.test(c)) return c;
      Throwable[] suppressed = c.getSuppressed();
      for (int i = suppressed.length - 1; i >= 0; i--) todo.push(suppressed[i]);
      Throwable cause = c.getCause();
      if (cause != null) todo.push(cause); // the cause chain first, then what was suppressed
    }
    return null;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = Quiet.message(root);
    return m != null ? m : root.getClass().getSimpleName();
  }

  private static String handshakeMessage(int status) {
    if (status >= 200 && status < 400) {
      return "server answered HTTP " + status + " instead of upgrading to WebSocket"
          + " (is this a WebSocket endpoint?)";
    }
    return "server rejected the WebSocket handshake: HTTP " + status;
  }

  /**
   * Retry-After as delta-seconds or an HTTP date, clamped to [0, {@code ceiling}]; null if absent
   * or unreadable. Never throws, whatever the server sent.
   */
  static @Nullable Duration parseRetryAfter(@Nullable String value, Duration ceiling, long nowMillis) {
    if (value == null || value.length() > MAX_RETRY_AFTER_CHARS) return null;
    String v = value.trim();
    if (!v.isEmpty() && allDigits(v)) {
      // Any run of digits is a valid delta; more than 18 of them is beyond every ceiling.
      if (v.length() > 18) return ceiling;
      Duration delta = Duration.ofSeconds(Long.parseLong(v));
      return delta.compareTo(ceiling) > 0 ? ceiling : delta;
    }
    try {
      long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      long millis = at - nowMillis;
      if (millis <= 0) return Duration.ZERO;
      return millis >= LoopTasks.millis(ceiling) ? ceiling : Duration.ofMillis(millis);
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
}
