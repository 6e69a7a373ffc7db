package dev.steadysocket.internal;

import java.util.ArrayList;
import java.util.List;

/** A transport that records what it is asked to do; the test sets what it answers. */
final class FakeTransport implements Transport {
  final List<String> sent = new ArrayList<>();
  long queueSize;
  long pongs;
  boolean acceptSends = true;
  int closeCode = -1;
  String closeReason;
  boolean cancelled;
  int cancels;

  @Override
  public boolean send(String text) {
    if (!acceptSends) return false;
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
