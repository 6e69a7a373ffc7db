package dev.steadysocket.micrometer.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The dashboard picture's generator still runs, and the run still shows what the picture says.
 * It writes {@code target/dashboard.png}; with {@code -Ddashboard.png.write=true} it writes the
 * committed {@code docs/dashboard.png} instead ({@link #REGENERATE}).
 */
class OutageDashboardTest {
  static final String REGENERATE = "mvn -B -q -pl micrometer -am install -DskipTests -Dmaven.javadoc.skip"
      + " && mvn -B -pl micrometer test -Dtest=OutageDashboardTest -Ddashboard.png.write=true";
  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();

  @Test
  void theScriptedOutageShowsInTheMetersAndRendersUnder150Kb() throws IOException {
    OutageRun.Samples s = OutageRun.run();
    String run = OutageRun.describe(s);

    assertEquals(ConnectionState.OPEN, s.state[19], run);
    assertTrue(IntStream.rangeClosed(20, 42).allMatch(i -> s.state[i] == ConnectionState.RECONNECTING), run);
    assertEquals(43, s.reconnectedAt, "the attempt after the restore, at 35 + 8 s:\n" + run);
    assertEquals(ConnectionState.OPEN, s.state[60], run);
    assertEquals(4, IntStream.rangeClosed(0, 60).mapToDouble(i -> s.attemptsFailed[i]).sum(), run);
    for (int second : new int[] {21, 23, 27, 35}) assertEquals(1, s.attemptsFailed[second], second + " s:\n" + run);
    assertArrayEquals(new double[] {1, 2, 4, 8, 8},
        IntStream.rangeClosed(0, 60).mapToDouble(i -> s.backoffSeconds[i]).filter(d -> !Double.isNaN(d)).toArray(), run);
    assertEquals(1, s.reconnects[60], run);
    assertEquals(20, s.messagesIn[10], "20 ticks a second:\n" + run);
    assertEquals(0, s.messagesIn[30], run);
    // The figures docs/observability.md quotes:
    assertEquals(460 + 1, s.messagesIn[43], "the ticks missed from 20 s to 42.95 s replayed, and the live one:\n" + run);
    assertEquals(111, s.outboxDepth[42], "five positions a second queued from 20 s:\n" + run);
    assertEquals(0, s.outboxDepth[43], "written at the reconnect:\n" + run);
    assertEquals(11.4, s.sendWaitSeconds[43], 0.05, run);
    assertEquals(40, s.requestMillis[2], run);
    assertTrue(s.pongs > 0, "the in-memory link's pongs are timed");
    assertEquals(0, s.pongNanos, "in no virtual time");

    byte[] png = DashboardPng.render(s);
    assertTrue(png.length < 150_000, png.length + " bytes");
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(1200, img.getWidth());
    Path out = Boolean.getBoolean("dashboard.png.write")
        ? MODULE.resolve("../docs/dashboard.png").normalize()
        : MODULE.resolve("target/dashboard.png");
    Files.write(out, png);
  }

  @Test
  void theDocsShowThePictureAndTheCommandThatRegeneratesIt() throws IOException {
    Path docs = MODULE.resolve("../docs").normalize();
    String page = Files.readString(docs.resolve("observability.md"));
    assertTrue(page.contains("](dashboard.png)"), "docs/observability.md embeds the picture");
    assertTrue(page.contains("```sh\n" + REGENERATE + "\n```"), "docs/observability.md shows: " + REGENERATE);
    long size = Files.size(docs.resolve("dashboard.png"));
    assertTrue(size < 150_000, "the committed picture is " + size + " bytes");
  }
}
