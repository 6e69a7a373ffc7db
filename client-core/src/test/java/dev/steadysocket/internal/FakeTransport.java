package dev.steadysocket.internal;

import java.util.ArrayList;
import java.util.List;

/** A transport that records what it is asked to do; the test sets what it answers. */
final class FakeTransport implements Transport {
  final List<String> sent = new ArrayList<>();
  long queueSize;
  long pongs;
  boolean acceptSends = true;
  /** Sends accepted before it starts refusing (it is closing). */
  int sendsLeft = Integer.MAX_VALUE;
  int closeCode = -1;
  String closeReason;
  boolean cancelled;
  int cancels;
  /** Thrown from close() and cancel() when set: a transport that fails the loop task using it. */
  RuntimeException failCloseAndCancel;

  @Override
  public boolean send(String text) {
    if (!acceptSends || sendsLeft <= 0) return false;
    sendsLeft--;
    sent.add(text);
    return true;
  }

  /** Binary frames sent, in order. */
  final java.util.List<byte[]> sentBinary = new java.util.ArrayList<>();

  @Override
  public boolean sendBinary(byte[] bytes) {
    if (!send("")) return false; // the same acceptance rules as text frames
    sent.remove(sent.size() - 1);
    sentBinary.add(bytes);
    return true;
  }

  @Override
  public long queueSize() {
    return queueSize;
  }

  @Override
  public long pongCount() {
    return pongs;
  }

  int pings;

  @Override
  public boolean ping() {
    if (closeCode != -1 || cancelled) return false;
    pings++;
    return true;
  }

  @Override
  public void close(int code, String reason) {
    if (failCloseAndCancel != null) throw failCloseAndCancel;
    closeCode = code;
    closeReason = reason;
  }

  @Override
  public void cancel() {
    if (failCloseAndCancel != null) throw failCloseAndCancel;
    cancelled = true;
    cancels++;
  }
}
