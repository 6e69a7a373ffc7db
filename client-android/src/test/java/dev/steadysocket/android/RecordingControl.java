package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import android.os.Looper;
import dev.steadysocket.Heartbeat;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link SocketControl} that records each hook call ("pause:offline", "reconnectNow", ...). A
 * test that needs a hook to act as well (close the attachment from inside a pause) extends it and
 * calls {@code super} first.
 */
class RecordingControl implements SocketControl {
  private final Deque<String> calls = new ArrayDeque<>();
  private final List<Runnable> closeWatchers = new CopyOnWriteArrayList<>();

  @Override
  public Object socket() {
    return this;
  }

  @Override
  public Runnable whenClosed(Runnable onClosed) {
    closeWatchers.add(onClosed);
    return () -> closeWatchers.remove(onClosed);
  }

  /** What the socket does on reaching CLOSED: tells the watchers, on the calling thread. */
  void closeSocket() {
    for (Runnable watcher : closeWatchers) watcher.run();
  }

  int closeWatchers() {
    return closeWatchers.size();
  }

  @Override
  public void reconnectNow() {
    record("reconnectNow");
  }

  @Override
  public void replaceConnection() {
    record("replaceConnection");
  }

  @Override
  public void pause(String reason) {
    record("pause:" + reason);
  }

  @Override
  public void resume(String reason) {
    record("resume:" + reason);
  }

  @Override
  public void checkLiveness(Duration timeout) {
    record("checkLiveness:" + timeout.toMillis());
  }

  @Override
  public void backgroundHeartbeat(Heartbeat heartbeat) {
    record("heartbeat:" + heartbeat.interval().toMillis());
  }

  @Override
  public void foregroundHeartbeat() {
    record("heartbeat:own");
  }

  private void record(String call) {
    assertSame("hooks are called on the main thread", Looper.getMainLooper(), Looper.myLooper());
    calls.add(call);
  }

  void assertNext(String... expected) {
    for (String call : expected) {
      String remaining = calls.toString();
      assertEquals("calls left: " + remaining, call, calls.poll());
    }
  }

  /** Takes every call recorded so far. */
  List<String> drain() {
    List<String> out = new java.util.ArrayList<>(calls);
    calls.clear();
    return out;
  }

  /** Drops every call recorded so far. */
  void clear() {
    calls.clear();
  }

  void assertExhausted() {
    assertNull("unexpected hook call", calls.peek());
  }
}
