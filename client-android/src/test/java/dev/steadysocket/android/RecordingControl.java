package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import android.os.Looper;
import java.util.ArrayDeque;
import java.util.Deque;

/** A {@link SocketControl} that records each hook call ("pause:offline", "reconnectNow", ...). */
final class RecordingControl implements SocketControl {
  private final Deque<String> calls = new ArrayDeque<>();

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
