package dev.steadysocket.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reliability report: one row per scenario (scenario · expected · observed · figure), written
 * as markdown to {@code reliability.report} (client-core/target/reliability-report.md under Maven).
 *
 * <p>The suite runs in two surefire JVMs (the TRACE-log test needs its own SLF4J provider), so each
 * JVM appends its rows to {@code <reliability.dir>/<reliability.part>.rows} (emptied on its first
 * row) and the markdown is re-rendered from all parts after every row.
 */
final class Report {
  /** Sections in report order. */
  enum Section {
    FAULTS("1. Faults end in the right state"),
    NGINX("1b. Through nginx (WebSocket reverse proxy, proxy_read_timeout 2 s)"),
    TORNADO("1c. Tornado (Python): the token in Sec-WebSocket-Protocol"),
    SOAK("2. Soak: forced disconnect/reconnect cycles against Node ws"),
    OUTBOX("3. Outbox integrity across server restarts"),
    BAD_INPUT("4. Bad input from the real server"),
    LISTENERS("5. Listener faults"),
    SECURITY("6. Security"),
    HOSTILE("7. A hostile server (client JVM at -Xmx256m)"),
    FAILED("Failed or skipped scenarios");

    final String title;

    Section(String title) {
      this.title = title;
    }
  }

  private static final Path DIR =
      Path.of(System.getProperty("reliability.dir", "target/reliability")).toAbsolutePath();
  private static final String PART = System.getProperty("reliability.part", "main");
  private static final Path OUT =
      Path.of(System.getProperty("reliability.report", "target/reliability-report.md")).toAbsolutePath();
  private static boolean started;

  private Report() {}

  static void row(Section section, String scenario, String expected, String observed, String figure) {
    append("R", section.name(), scenario, expected, observed, figure);
  }

  /** A fact about the run shown at the top (peers' versions, soak cycle count…). Last value wins. */
  static void note(String key, String value) {
    append("N", key, value);
  }

  private static synchronized void append(String... fields) {
    try {
      Files.createDirectories(DIR);
      Path file = DIR.resolve(PART + ".rows");
      if (!started) {
        Files.deleteIfExists(file);
        started = true;
        Files.write(file, machineNotes().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE);
      }
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) line.append('\t');
        line.append(escape(fields[i]));
      }
      line.append('\n');
      // Timing figures depend on what else the machine was doing: say so next to them.
      double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      if (load >= 0) {
        line.append("N\tLoad average (1 min) at the end, ").append(PART).append(" JVM").append('\t')
            .append(String.format(Locale.ROOT, "%.1f", load)).append('\n');
      }
      Files.write(file, line.toString().getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      render();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String machineNotes() {
    Runtime rt = Runtime.getRuntime();
    return "N\tMachine\t" + escape(System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
            + rt.availableProcessors() + " cores, max heap " + mb(rt.maxMemory())) + "\n"
        + "N\tJava\t" + escape(System.getProperty("java.vm.name") + " " + System.getProperty("java.version")) + "\n";
  }

  private static void render() throws IOException {
    Map<String, String> notes = new TreeMap<>();
    Map<Section, List<String[]>> rows = new LinkedHashMap<>();
    for (Section s : Section.values()) rows.put(s, new ArrayList<>());
    List<Path> parts = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(DIR, "*.rows")) {
      for (Path p : ds) parts.add(p);
    }
    parts.sort(null);
    for (Path p : parts) {
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", -1);
        for (int i = 0; i < f.length; i++) f[i] = unescape(f[i]);
        if (f[0].equals("N") && f.length == 3) notes.put(f[1], f[2]);
        if (f[0].equals("R") && f.length == 6) rows.get(Section.valueOf(f[1])).add(f);
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# SteadySocket reliability report\n\n");
    md.append("Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(" by the reliability suite in `client-core/src/test/java/dev/steadysocket/reliability`")
        .append(" against real peers (Node `ws`, nginx, a fault-injecting TCP proxy, OkHttp's")
        .append(" MockWebServer for TLS). Every row is a test that passed unless listed under")
        .append(" \"Failed or skipped\"; figures are measured on the machine below, not asserted")
        .append(" (assertions use generous bounds, except where a row says what it asserts).\n\n");
    md.append("Regenerate: `mvn -B -pl client-core -am verify -Dsoak.cycles=1000` (with node/npm and nginx")
        .append(" installed: the build runs `npm ci` in `test-servers/node-ws` itself), then copy")
        .append(" `client-core/target/reliability-report.md` to `docs/reliability-report.md`.")
        .append(" CI runs the same suite with a shorter soak (`soak.cycles`, default 100).\n\n");
    if (!notes.isEmpty()) {
      md.append("| run | |\n|---|---|\n");
      for (Map.Entry<String, String> e : notes.entrySet()) {
        md.append("| ").append(cell(e.getKey())).append(" | ").append(cell(e.getValue())).append(" |\n");
      }
      md.append('\n');
    }
    for (Map.Entry<Section, List<String[]>> e : rows.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      md.append("## ").append(e.getKey().title).append("\n\n");
      md.append("| scenario | expected | observed | figure |\n|---|---|---|---|\n");
      for (String[] r : e.getValue()) {
        md.append("| ").append(cell(r[2])).append(" | ").append(cell(r[3])).append(" | ")
            .append(cell(r[4])).append(" | ").append(cell(r[5])).append(" |\n");
      }
      md.append('\n');
    }
    Files.createDirectories(OUT.getParent());
    Path tmp = OUT.resolveSibling(OUT.getFileName() + ".tmp");
    Files.writeString(tmp, md.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, OUT, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "");
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Nanoseconds as "1,234 ms". */
  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%,d ms", Math.round(nanos / 1_000_000.0));
  }

  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
