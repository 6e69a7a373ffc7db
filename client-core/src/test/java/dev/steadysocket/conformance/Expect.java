package dev.steadysocket.conformance;

import dev.steadysocket.conformance.Case.Observation;
import dev.steadysocket.conformance.Case.Result;
import dev.steadysocket.conformance.Case.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The verdict rules shared by the catalogs.
 *
 * <ul>
 *   <li>{@link #echo}: the client sends back exactly the expected messages and pongs, in order,
 *       answers the server's close 1000 with 1000 and ends the TCP connection; the application
 *       gets no protocol error. Anything else is FAILED.
 *   <li>{@link #fail}: after the expected prefix (echoes of the frames before the bad one), the
 *       client fails the connection: its close frame with the expected code, or the end of the TCP
 *       connection without one, is OK; a close with another code is NON-STRICT (the code is
 *       named); echoing or delivering the bad message, answering anything after it, keeping the
 *       connection open, or no typed error reaching the application is FAILED.
 * </ul>
 *
 * <p>Stateless; the judges run on the test's thread.
 */
final class Expect {
  private Expect() {}

  static final String SERVER_CLOSED = "(server close 1000)";

  static Event text(byte[] b) {
    return Event.message(true, b, false);
  }

  static Event text(String s) {
    return text(Frames.utf8(s));
  }

  static Event binary(byte[] b) {
    return Event.message(false, b, false);
  }

  static Event pong(byte[] b) {
    return Event.control(Event.Kind.PONG, b);
  }

  /** The events without markers. */
  static List<Event> frames(Observation o) {
    return o.server.stream().filter(e -> e.kind != Event.Kind.MARK).collect(Collectors.toList());
  }

  static String observed(Observation o) {
    List<String> parts = new ArrayList<>();
    String previous = null;
    int repeats = 0;
    for (Event e : o.server) { // runs of the same event as "text(4) x6"
      String t = e.toString();
      if (t.equals(previous)) {
        repeats++;
        continue;
      }
      if (previous != null) parts.add(previous + (repeats > 1 ? " x" + repeats : ""));
      previous = t;
      repeats = 1;
    }
    if (previous != null) parts.add(previous + (repeats > 1 ? " x" + repeats : ""));
    String s = String.join(", ", parts);
    return s + "; " + o.app + (o.connections > 1 ? "; " + o.connections + " connections" : "");
  }

  static Result ok(Observation o) {
    return new Result(Verdict.OK, observed(o), "");
  }

  static Result failed(Observation o, String reason) {
    return new Result(Verdict.FAILED, observed(o), reason);
  }

  static Result nonStrict(Observation o, String reason) {
    return new Result(Verdict.NON_STRICT, observed(o), reason);
  }

  /** Exactly {@code expected}, then the close handshake the server started (see class doc). */
  static Case.Judge echo(List<Event> expected) {
    return o -> {
      List<Event> want = new ArrayList<>(expected);
      want.add(Event.control(Event.Kind.CLOSE, Frames.closePayload(1000, new byte[0])));
      String diff = compare(want, frames(o));
      if (diff != null) return failed(o, diff);
      if (o.app.errors.stream().anyMatch(e -> e.startsWith("ProtocolViolation"))) return failed(o, "the application got a protocol error");
      if (o.connections > 1) return failed(o, "the client reconnected");
      return ok(o);
    };
  }

  /** Compares the client's events with {@code want} followed by a plain end of the TCP connection. */
  static String compare(List<Event> want, List<Event> got) {
    for (int i = 0; i < want.size(); i++) {
      if (i >= got.size()) return "expected " + want.get(i) + ", got nothing more";
      if (!want.get(i).sameAs(got.get(i))) {
        Event w = want.get(i), g = got.get(i);
        return w.kind == g.kind && w.payload.length == g.payload.length
            ? "event " + (i + 1) + " (" + g + ") differs from what was sent"
            : "expected " + w + " as event " + (i + 1) + ", got " + g;
      }
    }
    if (got.size() == want.size()) return "the connection did not end";
    Event end = got.get(want.size());
    if (end.kind != Event.Kind.END) return "unexpected " + end + " after the expected events";
    if (!end.note.isEmpty()) return end.toString();
    return null;
  }

  /** Fail the connection with {@code code} (1002 or 1007) after the {@code prefix} events. */
  static Case.Judge fail(int code, List<Event> prefix) {
    return o -> {
      String notFailed = notFailed(o);
      if (notFailed != null) return failed(o, notFailed);
      List<Event> got = frames(o);
      for (int i = 0; i < prefix.size(); i++) {
        if (i >= got.size() || !prefix.get(i).sameAs(got.get(i))) {
          return failed(o, "expected " + prefix.get(i) + " as event " + (i + 1) + " before the failure");
        }
      }
      long prefixMessages = prefix.stream().filter(Event::isMessage).count();
      if (o.app.messages.size() > prefixMessages) return failed(o, "the application received a message it must not see (the bad one, or one that arrived after the client failed the connection: RFC 6455 7.1.7)");
      List<Event> tail = got.subList(prefix.size(), got.size());
      if (tail.isEmpty() || tail.get(tail.size() - 1).kind != Event.Kind.END) return failed(o, "the connection did not end");
      Event end = tail.get(tail.size() - 1);
      if (!end.note.isEmpty()) return failed(o, end.toString());
      if (tail.size() > 2 || tail.size() == 2 && tail.get(0).kind != Event.Kind.CLOSE) {
        return failed(o, "the client sent " + tail.get(0) + " after the bad frame");
      }
      // A lost connection is not a failed one: the application must learn why (#17).
      if (!o.app.protocolViolation(code == 1007 ? 1007 : 0)) {
        return failed(o, "the application got no ProtocolViolationException" + (code == 1007 ? "(1007)" : ""));
      }
      if (tail.size() == 1) return ok(o); // TCP closed without a close frame: failed, as RFC 6455 7.1.7 allows
      int sent = tail.get(0).code;
      if (sent == 1000) return failed(o, "closed with 1000 (normal closure), which does not fail the connection");
      if (sent != code) return nonStrict(o, "failed the connection with close " + (sent < 0 ? "(no code)" : sent) + ", not " + code);
      return ok(o);
    };
  }

  /** Why the client did not fail the connection itself, or null if it did. */
  static String notFailed(Observation o) {
    boolean serverClosedFirst = false;
    for (Event e : o.server) {
      if (e.kind == Event.Kind.MARK && e.note.equals(SERVER_CLOSED)) serverClosedFirst = true;
      if (e.kind == Event.Kind.CLOSE) {
        return serverClosedFirst ? "the client did not fail the connection: it answered the server's closing handshake" : null;
      }
      if (e.kind == Event.Kind.END) return e.note.isEmpty() ? null : "the client did not fail the connection: " + e.note;
    }
    return "the connection did not end";
  }
}
