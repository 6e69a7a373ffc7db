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

  @Override
  public boolean send(String text) {
    if (!acceptSends || sendsLeft <= 0) return false;
    sendsLeft--;
    sent.add(text);
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

  @Override
  public void close(int code, String reason) {
    closeCode = code;
    closeReason = reason;
  }

  @Override
  public void cancel() {
    cancelled = true;
    cancels++;
  }
}
