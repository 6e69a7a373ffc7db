package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code docs/states.svg} is what {@link StatesSvg} draws from {@link Transitions}
 * today: a change to the table without the picture fails here, with the command that redraws it.
 */
class StatesSvgTest {
  /** Surefire runs in the module's directory and says so in {@code basedir} (pitest runs there without it); the picture is the repository's. */
  private static final Path SVG =
      Paths.get(System.getProperty("basedir", Files.isDirectory(Paths.get("src/main/java")) ? "." : "client-core")).resolve("../docs/states.svg").normalize();

  @Test
  void committedPictureIsTheTableDrawn() throws IOException {
    String drawn = StatesSvg.render();
    if (Boolean.getBoolean("states.svg.write")) {
      Files.write(SVG, drawn.getBytes(StandardCharsets.UTF_8));
      System.out.println("wrote " + SVG);
      return;
    }
    if (!Files.exists(SVG)) fail(SVG + " is missing; draw it with: " + StatesSvg.REGENERATE);
    String committed = new String(Files.readAllBytes(SVG), StandardCharsets.UTF_8);
    if (!committed.equals(drawn)) {
      fail(SVG + " differs from what internal.Transitions draws (the table changed, or the file was"
          + " edited by hand); redraw it from the repository's root with:\n  " + StatesSvg.REGENERATE
          + "\nand commit it with the change to the table.");
    }
  }

  @Test
  void everyEdgeOfTheTableIsInThePicture() {
    String drawn = StatesSvg.render();
    for (Transitions.Edge e : Transitions.table()) {
      for (String word : e.trigger.split(" ")) {
        assertTrue(drawn.contains(word.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\"", "&quot;")), "label of " + e + " drawn");
      }
    }
  }

  @Test
  void labelsWrapByWords() {
    assertEquals(java.util.List.of("delay over,", "reconnectNow(),", "replaceConnection()"),
        StatesSvg.wrap("delay over, reconnectNow(), replaceConnection()", 16));
    assertEquals(java.util.List.of("close()"), StatesSvg.wrap("close()", 3));
    assertEquals(java.util.List.of("resume(last reason)", "in a server's wait"),
        StatesSvg.wrap("resume(last reason) in a server's wait", 20));
  }
}
