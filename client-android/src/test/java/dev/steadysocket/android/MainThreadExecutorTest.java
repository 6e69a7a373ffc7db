package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.os.Looper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;

@RunWith(RobolectricTestRunner.class)
public class MainThreadExecutorTest {
  private final List<Integer> ran = new ArrayList<>();

  @Test
  public void tasksFromAnotherThreadRunOnTheMainThreadInOrder() throws Exception {
    CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 100; i++) {
                int n = i;
                MainThreadExecutor.get().execute(() -> recordOnMain(n));
              }
            })
        .get(5, TimeUnit.SECONDS);
    assertTrue(ran.isEmpty());

    shadowOf(Looper.getMainLooper()).idle();

    assertEquals(100, ran.size());
    for (int i = 0; i < 100; i++) assertEquals(i, (int) ran.get(i));
  }

  @Test
  public void aTaskSubmittedOnTheMainThreadIsPostedNotRunInline() {
    MainThreadExecutor.get().execute(() -> recordOnMain(1));
    MainThreadExecutor.get().execute(() -> recordOnMain(2));
    assertTrue("ran inline", ran.isEmpty());

    shadowOf(Looper.getMainLooper()).idle();

    assertEquals(List.of(1, 2), ran);
  }

  @Test
  public void describesItself() {
    assertEquals("MainThreadExecutor", MainThreadExecutor.get().toString());
  }

  private void recordOnMain(int n) {
    assertEquals(Looper.getMainLooper().getThread(), Thread.currentThread());
    ran.add(n);
  }
}
