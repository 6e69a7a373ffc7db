package dev.steadysocket.internal;

import dev.steadysocket.ConnectionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws {@link Transitions#table()} as {@code docs/states.svg}: one box per state, one arrow per
 * edge, labelled with its trigger. The layout is laid by hand (where each state sits, how each
 * known arrow is routed, where its label goes); an edge the layout does not know yet is still
 * drawn, as a straight arrow, so the picture never leaves out a row of the table. The output is
 * a pure function of the table: integer coordinates, fixed order, {@code \n} line ends.
 *
 * <p>Run {@code StatesSvgTest} with {@code -Dstates.svg.write=true} to rewrite the file ({@link
 * #REGENERATE}), or {@link #main} with the path.
 */
public final class StatesSvg {
  /** The command that rewrites the committed picture, from the repository's root. */
  public static final String REGENERATE =
      "mvn -B -pl client-core test -Dtest=StatesSvgTest -Dstates.svg.write=true";

  private static final int W = 1060, H = 660, BOX_W = 150, BOX_H = 40;
  private static final double CHAR_W = 6.6; // 12px sans-serif, average; only sizes label backgrounds

  /** Box centres. */
  private static final Map<ConnectionState, int[]> AT = new EnumMap<>(ConnectionState.class);
  /** Pseudo-states standing for a group an edge leaves from: centre and width. */
  private static final Map<String, int[]> PSEUDO = new HashMap<>();
  /** Groups drawn as a dashed frame around their states: x, y, width, height. */
  private static final Map<String, int[]> FRAME = new HashMap<>();
  /** Routes of the known edges: polyline points, then label x, y, anchor (-1 end, 0 middle, 1 start), wrap. */
  private static final Map<String, Route> ROUTES = new HashMap<>();

  static {
    AT.put(ConnectionState.IDLE, new int[] {95, 110});
    AT.put(ConnectionState.CONNECTING, new int[] {380, 110});
    AT.put(ConnectionState.OPEN, new int[] {720, 110});
    AT.put(ConnectionState.RECONNECTING, new int[] {550, 260});
    AT.put(ConnectionState.PAUSED, new int[] {550, 420});
    AT.put(ConnectionState.CLOSING, new int[] {620, 560});
    AT.put(ConnectionState.CLOSED, new int[] {920, 560});
    FRAME.put(Transitions.ACTIVE, new int[] {270, 62, 550, 248});
    PSEUDO.put(Transitions.BEFORE_CLOSE, new int[] {300, 560, 220});

    route("IDLE>CONNECTING", label(237, 102, 0, 40), 170, 110, 305, 110);
    route("IDLE>PAUSED", label(103, 300, 1, 40), 95, 130, 95, 432, 475, 432);
    route("CONNECTING>OPEN", label(550, 94, 0, 40), 455, 102, 645, 102);
    route("OPEN>CONNECTING", label(550, 136, 0, 40), 645, 118, 455, 118);
    route("CONNECTING>RECONNECTING", label(425, 172, -1, 16), 400, 130, 490, 240);
    route("RECONNECTING>CONNECTING", label(483, 188, 1, 16), 520, 240, 430, 130);
    route("OPEN>RECONNECTING", label(658, 185, 1, 16), 690, 130, 600, 240);
    route(Transitions.ACTIVE + ">PAUSED", label(708, 370, 1, 40), 700, 310, 700, 420, 625, 420);
    route("PAUSED>CONNECTING", label(328, 250, 1, 40), 475, 410, 320, 410, 320, 130);
    route("PAUSED>RECONNECTING", label(542, 340, -1, 20), 550, 400, 550, 280);
    route("CONNECTING>CLOSED", label(700, 40, 0, 40), 430, 90, 430, 40, 1020, 40, 1020, 560, 995, 560);
    route("OPEN>CLOSED", label(877, 88, 0, 16), 795, 110, 960, 110, 960, 540);
    route(Transitions.BEFORE_CLOSE + ">CLOSING", label(477, 552, 0, 40), 410, 560, 545, 560);
    route("CLOSING>CLOSED", label(770, 532, 0, 22), 695, 560, 845, 560);
    route(Transitions.BEFORE_CLOSE + ">CLOSED", label(610, 610, 0, 40), 300, 580, 300, 610, 920, 610, 920, 580);
  }

  private StatesSvg() {}

  /** Writes the picture to {@code args[0]} (default {@code docs/states.svg}). */
  public static void main(String[] args) throws IOException {
    Path out = Paths.get(args.length > 0 ? args[0] : "docs/states.svg");
    Files.write(out, render().getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** The SVG for the current table. */
  public static String render() {
    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<!-- Generated from dev.steadysocket.internal.Transitions by StatesSvg (client-core tests).\n")
        .append("     Do not edit: ").append(REGENERATE).append(" -->\n")
        .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
            + " viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n", W, H, W, H))
        .append("<title>SteadySocket connection states</title>\n")
        .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\""
            + " markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/>"
            + "</marker></defs>\n")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    for (Map.Entry<String, int[]> f : sorted(FRAME)) {
      int[] r = f.getValue();
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"12\" fill=\"#f4f8ff\""
          + " stroke=\"#7a8fb3\" stroke-dasharray=\"6 4\"/>\n", r[0], r[1], r[2], r[3]));
      svg.append(text(r[0] + 10, r[1] + 18, 1, f.getKey(), "fill=\"#4a5f83\" font-style=\"italic\""));
    }
    List<String> labels = new ArrayList<>(); // drawn last, over every line
    for (Transitions.Edge e : Transitions.table()) drawEdge(e, svg, labels);
    for (Map.Entry<ConnectionState, int[]> s : AT.entrySet()) {
      int[] c = s.getValue();
      boolean end = s.getKey() == ConnectionState.CLOSED;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" fill=\"%s\""
              + " stroke=\"#333\" stroke-width=\"%s\"/>\n", c[0] - BOX_W / 2, c[1] - BOX_H / 2, BOX_W, BOX_H,
              end ? "#eee" : "#fff", end ? "3" : "1.5"));
      svg.append(text(c[0], c[1] + 5, 0, s.getKey().name(), "font-size=\"14\" font-weight=\"bold\""));
    }
    for (Map.Entry<String, int[]> p : sorted(PSEUDO)) {
      int[] c = p.getValue();
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" fill=\"#fff\""
          + " stroke=\"#7a8fb3\" stroke-dasharray=\"6 4\"/>\n", c[0] - c[2] / 2, c[1] - BOX_H / 2, c[2], BOX_H));
      svg.append(text(c[0], c[1] + 5, 0, p.getKey(), "fill=\"#4a5f83\" font-style=\"italic\""));
    }
    labels.forEach(svg::append);
    svg.append(text(W - 10, H - 10, -1,
        "generated from dev.steadysocket.internal.Transitions: " + REGENERATE, "fill=\"#888\" font-size=\"10\""));
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void drawEdge(Transitions.Edge e, StringBuilder svg, List<String> labels) {
    String from = e.group != null ? e.group : e.from.iterator().next().name();
    Route r = ROUTES.get(from + ">" + e.to);
    if (r == null) r = straight(e, from);
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < r.points.length; i += 2) {
      if (i > 0) points.append(' ');
      points.append(r.points[i]).append(',').append(r.points[i + 1]);
    }
    svg.append("<polyline points=\"").append(points).append("\" fill=\"none\" stroke=\"#333\""
        + " stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>\n");
    List<String> lines = wrap(e.trigger, r.wrap);
    int widest = 0;
    for (String l : lines) widest = Math.max(widest, (int) Math.ceil(l.length() * CHAR_W));
    int top = r.y - 10 - 14 * (lines.size() - 1) / 2;
    int left = r.anchor == 0 ? r.x - widest / 2 : r.anchor > 0 ? r.x : r.x - widest;
    StringBuilder l = new StringBuilder(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
        + " fill=\"#fff\" fill-opacity=\"0.9\"/>\n", left - 2, top, widest + 4, 14 * lines.size() + 2));
    for (int i = 0; i < lines.size(); i++) {
      l.append(text(r.x, top + 11 + 14 * i, r.anchor, lines.get(i), "fill=\"#222\""));
    }
    labels.add(l.toString());
  }

  /** A straight arrow between the two boxes, for an edge the layout does not know yet. */
  private static Route straight(Transitions.Edge e, String from) {
    int[] a = e.group != null ? PSEUDO.getOrDefault(e.group, frameCentre(e.group)) : AT.get(e.from.iterator().next());
    int[] b = AT.get(e.to);
    int[] p = clip(a, b), q = clip(b, a);
    return new Route(new int[] {p[0], p[1], q[0], q[1]}, (p[0] + q[0]) / 2, (p[1] + q[1]) / 2, 0, 30);
  }

  private static int[] frameCentre(String group) {
    int[] f = FRAME.get(group);
    if (f == null) throw new IllegalStateException("StatesSvg has no place for group \"" + group + "\"");
    return new int[] {f[0] + f[2] / 2, f[1] + f[3] / 2};
  }

  /** Where the segment from the centre of {@code a} towards {@code b} leaves a's box. */
  private static int[] clip(int[] a, int[] b) {
    double dx = b[0] - a[0], dy = b[1] - a[1];
    double t = Math.min(dx == 0 ? Double.MAX_VALUE : (BOX_W / 2.0) / Math.abs(dx),
        dy == 0 ? Double.MAX_VALUE : (BOX_H / 2.0) / Math.abs(dy));
    return new int[] {(int) Math.round(a[0] + dx * t), (int) Math.round(a[1] + dy * t)};
  }

  /** Fills lines word by word up to {@code max} characters (a longer word gets a line of its own). */
  static List<String> wrap(String label, int max) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : label.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > max) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) line.append(' ');
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  private static String text(int x, int y, int anchor, String s, String attrs) {
    String a = anchor == 0 ? "middle" : anchor > 0 ? "start" : "end";
    return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + a + "\" " + attrs + ">" + escape(s) + "</text>\n";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static <V> List<Map.Entry<String, V>> sorted(Map<String, V> m) {
    List<Map.Entry<String, V>> l = new ArrayList<>(m.entrySet());
    l.sort(Map.Entry.comparingByKey());
    return l;
  }

  private static int[] label(int x, int y, int anchor, int wrap) {
    return new int[] {x, y, anchor, wrap};
  }

  private static void route(String key, int[] label, int... points) {
    ROUTES.put(key, new Route(points, label[0], label[1], label[2], label[3]));
  }

  private static final class Route {
    final int[] points;
    final int x, y, anchor, wrap;

    Route(int[] points, int x, int y, int anchor, int wrap) {
      this.points = points;
      this.x = x;
      this.y = y;
      this.anchor = anchor;
      this.wrap = wrap;
    }
  }
}
