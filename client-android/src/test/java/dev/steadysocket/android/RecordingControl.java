package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import android.os.Looper;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link SocketControl} that records each hook call ("pause:offline", "reconnectNow", ...). */
final class RecordingControl implements SocketControl {
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

  private void record(String call) {
    assertSame("hooks are called on the main thread", Looper.getMainLooper(), Looper.myLooper());
    calls.add(call);
  }

  void assertNext(String... expected) {
    for (String call : expected) assertEquals(call, calls.poll());
  }

  void assertExhausted() {
    assertNull("unexpected hook call", calls.peek());
  }
}
