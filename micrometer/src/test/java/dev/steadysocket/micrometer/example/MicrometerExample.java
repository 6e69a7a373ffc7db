package dev.steadysocket.micrometer.example;

import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.micrometer.SteadySocketMeters;
import dev.steadysocket.testing.FakeServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The README's example, complete: a price feed whose socket reports to the application's {@link
 * MeterRegistry}. {@link #main} runs it against the test kit's in-memory server and prints the
 * meters; {@code MicrometerExampleTest} runs it in every build and keeps the README's blocks equal
 * to the marked parts of this file.
 */
public final class MicrometerExample {
  private MicrometerExample() {}

  // README:begin plain
  static SteadySocketBuilder tickerSocket(String url, MeterRegistry registry) {
    return SteadySocket.builder(url) // e.g. "wss://feed.example.com/v1?token=…": never a tag
        .observer(SteadySocketMeters.bindTo(registry, "ticker", Tag.of("region", "eu")));
  }
  // README:end

  // README:begin spring
  /** A Spring Boot {@code @Bean}: Boot binds every MeterBinder bean to its registry at start-up. */
  static SteadySocketMeters tickerMeters() {
    return SteadySocketMeters.named("ticker");
  }

  /** A {@code @Bean(destroyMethod = "close")}: counted from the moment Boot binds the meters. */
  static SteadySocket ticker(SteadySocketMeters tickerMeters) {
    return SteadySocket.builder("wss://feed.example.com/v1").observer(tickerMeters).build();
  }
  // README:end

  /**
   * Connects to {@code server}, takes three prices and an outage of a second, closes, and returns
   * the meters as they were before the close, one {@code name{tags} value} line each.
   */
  static List<String> run(FakeServer server, MeterRegistry registry) {
    SteadySocket ticker = server.wire(tickerSocket("wss://feed.example.com/v1?token=secret", registry)).build();
    try {
      ticker.connect();
      server.clock().runUntilIdle();
      for (int i = 1; i <= 3; i++) server.sendToAll("price", Map.of("symbol", "ACME", "price", 100 + i));
      server.clock().runUntilIdle();
      server.connection().drop();
      server.clock().advanceBy(Duration.ofSeconds(5));
      return lines(registry);
    } finally {
      ticker.close();
      server.clock().runUntilIdle();
    }
  }

  private static List<String> lines(MeterRegistry registry) {
    return registry.getMeters().stream()
        .map(m -> m.getId().getName() + m.getId().getTags().stream()
            .filter(t -> !t.getKey().equals("socket") && !t.getKey().equals("region"))
            .map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(",", "{", "}")) + " " + value(m))
        .sorted()
        .collect(Collectors.toList());
  }

  private static String value(Meter m) {
    StringBuilder s = new StringBuilder();
    for (io.micrometer.core.instrument.Measurement x : m.measure()) {
      s.append(s.length() == 0 ? "" : " ").append(x.getStatistic().name().toLowerCase(Locale.ROOT)).append('=')
          .append(String.format(Locale.ROOT, "%.3f", x.getValue()));
    }
    return s.toString();
  }

  /**
   * Runs the example in memory and prints the meters.
   *
   * @param args none
   */
  public static void main(String[] args) {
    try (FakeServer server = FakeServer.inMemory()) {
      run(server, new SimpleMeterRegistry()).forEach(System.out::println);
    }
  }
}
