package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** {@link Quiet}: what an application's object prints, without letting its failures through. */
class QuietTest {
  /** An exception whose getMessage() and toString() throw. */
  static final class Unprintable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override public String getMessage() {
      throw new IllegalStateException("getMessage bug");
    }

    @Override public String toString() {
      throw new IllegalStateException("toString bug");
    }
  }

  @Test
  void describePrintsWhatToStringWouldWithoutCallingIt() {
    assertEquals("java.lang.IllegalStateException: boom", Quiet.describe(new IllegalStateException("boom")));
    assertEquals("java.lang.IllegalStateException", Quiet.describe(new IllegalStateException()));
    assertEquals(Unprintable.class.getName(), Quiet.describe(new Unprintable()));
  }

  @Test
  void messageIsNullWhenGetMessageThrows() {
    assertEquals("boom", Quiet.message(new IllegalStateException("boom")));
    assertNull(Quiet.message(new Unprintable()));
  }

  @Test
  void nameFallsBackToTheIdentityWhenToStringThrows() {
    Unprintable u = new Unprintable();
    assertEquals("plain", Quiet.name("plain"));
    assertEquals(Quiet.identity(u), Quiet.name(u));
    assertEquals(Unprintable.class.getName() + "@" + Integer.toHexString(System.identityHashCode(u)), Quiet.identity(u));
  }

  @Test
  void aLogStatementThatThrowsIsSwallowed() {
    int[] ran = {0};
    assertDoesNotThrow(() -> Quiet.log(() -> {
      ran[0]++;
      throw new Unprintable();
    }));
    assertEquals(1, ran[0]);
  }
}
