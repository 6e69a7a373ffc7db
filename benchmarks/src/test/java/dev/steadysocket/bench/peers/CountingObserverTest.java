package dev.steadysocket.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.SocketObserver;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** "Counts every event" stays true as the SPI grows. */
class CountingObserverTest {
  @Test
  void everyEventOfTheSpiIsOverriddenAndHasItsCounter() {
    List<String> events = Arrays.stream(SocketObserver.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .map(Method::getName).sorted().collect(Collectors.toList());
    List<String> overridden = events.stream()
        .filter(name -> Arrays.stream(CountingObserver.class.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name)))
        .collect(Collectors.toList());
    assertEquals(events, overridden);
    assertEquals(events.size(), CountingObserver.Event.values().length);
  }
}
