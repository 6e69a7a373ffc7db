package dev.steadysocket.micrometer.dashboard;

import dev.steadysocket.ConnectionState;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws {@link OutageRun.Samples} as a Grafana-like dashboard (dark theme, six panels, the
 * outage's moments as annotations) with Java2D, headless. Not the benchmarks' {@code ChartPng}: that
 * one renders a black-on-white SVG subset and lives in a module this one cannot depend on.
 */
final class DashboardPng {
  private static final int W = 1200, H = 760, PAD = 12, HEADER = 54;
  private static final Color BACKGROUND = new Color(0x111217), PANEL = new Color(0x181b1f), BORDER = new Color(0x2c3235);
  private static final Color TEXT = new Color(0xd8d9da), MUTED = new Color(0x8e8e8e), GRID = new Color(0x24272c);
  private static final Color GREEN = new Color(0x73bf69), YELLOW = new Color(0xfade2a), RED = new Color(0xf2495c);
  private static final Color BLUE = new Color(0x5794f2), ORANGE = new Color(0xff9830), PURPLE = new Color(0xb877d9);
  private static final int SECONDS = OutageRun.SECONDS;

  private final Graphics2D g;
  private final OutageRun.Samples s;
  /** The current panel's plot area and scale. */
  private double px, py, pw, ph, yMax;
  /** Whether the current panel names the annotations (the first one does). */
  private boolean nameAnnotations;

  private DashboardPng(Graphics2D g, OutageRun.Samples s) {
    this.g = g;
    this.s = s;
  }

  static byte[] render(OutageRun.Samples s) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      new DashboardPng(g, s).draw();
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    return png.toByteArray();
  }

  private void draw() {
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, W, H);
    text(PAD + 4, 24, "SteadySocket  ·  socket=ticker", 16, true, TEXT);
    text(PAD + 4, 43, "Micrometer meters sampled every second in a real run on the test kit's in-memory FakeServer"
        + " (virtual time): the server drops the connection at 20 s and refuses every attempt until 40 s", 11, false, MUTED);
    double cw = (W - 3 * PAD) / 2.0, ch = (H - HEADER - 4 * PAD) / 3.0;
    double[] xs = {PAD, 2 * PAD + cw};
    double[] ys = {HEADER + PAD, HEADER + 2 * PAD + ch, HEADER + 3 * PAD + 2 * ch};

    nameAnnotations = true;
    panel(xs[0], ys[0], cw, ch, "Connection state", "steadysocket.connection.state", 1);
    nameAnnotations = false;
    stateTimeline();
    legend(new String[] {"open", "connecting", "reconnecting"}, new Color[] {GREEN, YELLOW, ORANGE});

    panel(xs[1], ys[0], cw, ch, "Connection attempts / s and backoff", "steadysocket.connection.attempts, .reconnect.delay", 2);
    bars(s.attemptsFailed, RED, -0.2);
    bars(s.attemptsOpened, GREEN, 0.2);
    backoffSpans();
    legend(new String[] {"failed", "opened", "backoff wait", "reconnects: " + (int) s.reconnects[SECONDS]},
        new Color[] {RED, GREEN, YELLOW, BLUE});

    panel(xs[0], ys[1], cw, ch, "Messages / s", "steadysocket.messages{direction}", niceMax(s.messagesIn, s.messagesOut));
    line(s.messagesIn, GREEN, false);
    line(s.messagesOut, YELLOW, false);
    legend(new String[] {"in (replay of the missed ticks at the reconnect)", "out (the outbox written)"}, new Color[] {GREEN, YELLOW});

    panel(xs[1], ys[1], cw, ch, "Outbox depth", "steadysocket.outbox.depth", niceMax(s.outboxDepth));
    line(s.outboxDepth, BLUE, true);
    legend(new String[] {"messages waiting to be written"}, new Color[] {BLUE});

    panel(xs[0], ys[2], cw, ch, "Round trips (ms, mean per second)", "steadysocket.request.latency, .heartbeat.rtt", 100);
    line(s.requestMillis, BLUE, false);
    line(s.heartbeatRttMillis, PURPLE, false);
    legend(new String[] {"request → reply", "heartbeat echo (0 in memory: frames take no virtual time)"}, new Color[] {BLUE, PURPLE});

    panel(xs[1], ys[2], cw, ch, "Send → written (s, mean per second)", "steadysocket.send.latency{stage=written}",
        niceMax(s.sendWaitSeconds));
    line(s.sendWaitSeconds, ORANGE, true);
    legend(new String[] {"time queued before written (the outage's messages, at the reconnect)"}, new Color[] {ORANGE});
  }

  /** A panel with its title, grid, axes and the outage's annotations; its plot area becomes current. */
  private void panel(double x, double y, double w, double h, String title, String query, double max) {
    g.setColor(PANEL);
    g.fill(new RoundRectangle2D.Double(x, y, w, h, 6, 6));
    g.setColor(BORDER);
    g.setStroke(new BasicStroke(1));
    g.draw(new RoundRectangle2D.Double(x, y, w, h, 6, 6));
    text(x + 10, y + 19, title, 13, true, TEXT);
    text(x + w - 10 - width(query, 10), y + 19, query, 10, false, MUTED);
    px = x + 46;
    py = y + 30;
    pw = w - 46 - 14;
    ph = h - 30 - 40;
    yMax = max;
    for (int i = 0; i <= 4; i++) {
      double gy = py + ph - ph * i / 4.0;
      g.setColor(GRID);
      g.draw(new Line2D.Double(px, gy, px + pw, gy));
      double v = max * i / 4.0;
      if (max > 1 && (max > 4 || v == Math.rint(v))) text(px - 6 - width(label(v), 10), gy + 4, label(v), 10, false, MUTED);
    }
    for (int t = 0; t <= SECONDS; t += 10) {
      g.setColor(GRID);
      g.draw(new Line2D.Double(x(t), py, x(t), py + ph));
      text(x(t) - width(t + "s", 10) / 2, py + ph + 14, t + "s", 10, false, MUTED);
    }
    annotation(OutageRun.DROP.getSeconds(), RED, "server drops, refuses", false);
    annotation(OutageRun.RESTORE.getSeconds(), BLUE, "server back", true);
    if (s.reconnectedAt >= 0) annotation(s.reconnectedAt, GREEN, "reconnected", false);
  }

  private void annotation(long second, Color c, String what, boolean labelLeft) {
    g.setColor(c);
    g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 3}, 0));
    g.draw(new Line2D.Double(x(second), py, x(second), py + ph));
    g.setStroke(new BasicStroke(1));
    if (nameAnnotations) text(labelLeft ? x(second) - 3 - width(what, 9) : x(second) + 3, py + ph - 4, what, 9, false, c);
  }

  /** Each scheduled wait as a span from where it was scheduled to where it ends, labelled with its length. */
  private void backoffSpans() {
    double y = py + ph * 0.12;
    int k = 0;
    for (int i = 0; i <= SECONDS; i++) {
      double wait = s.backoffSeconds[i];
      if (Double.isNaN(wait)) continue;
      Color c = k++ % 2 == 0 ? YELLOW : new Color(0xc8b11f);
      g.setColor(c);
      g.fill(new Rectangle2D.Double(x(i) + 1, y, Math.max(2, x(i + wait) - x(i) - 2), 6));
      String label = String.format(Locale.ROOT, "%.0f s", wait);
      double lx = x(i) + (x(i + wait) - x(i) - width(label, 9)) / 2;
      text(lx, y + 17 + (width(label, 9) + 2 > x(i + wait) - x(i) ? 10 * (k % 2) : 0), label, 9, false, c);
    }
  }

  private void stateTimeline() {
    double top = py + ph * 0.25, height = ph * 0.5;
    int start = 0;
    for (int i = 1; i <= SECONDS + 1; i++) {
      if (i <= SECONDS && s.state[i] == s.state[start]) continue;
      double x0 = x(start), x1 = x(Math.min(i, SECONDS));
      Color c = stateColor(s.state[start]);
      g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 200));
      g.fill(new Rectangle2D.Double(x0, top, Math.max(1, x1 - x0), height));
      String name = s.state[start].name();
      if (width(name, 11) + 8 < x1 - x0) text(x0 + (x1 - x0 - width(name, 11)) / 2, top + height / 2 + 4, name, 11, true, BACKGROUND);
      start = i;
    }
  }

  private static Color stateColor(ConnectionState state) {
    switch (state) {
      case OPEN:
        return GREEN;
      case CONNECTING:
        return YELLOW;
      case RECONNECTING:
        return ORANGE;
      default:
        return MUTED;
    }
  }

  private void bars(double[] values, Color c, double offset) {
    double bw = pw / SECONDS * 0.45;
    g.setColor(c);
    for (int i = 0; i <= SECONDS; i++) {
      double v = values[i];
      if (Double.isNaN(v) || v <= 0) continue;
      double h = ph * Math.min(v, yMax) / yMax;
      g.fill(new Rectangle2D.Double(x(i) + offset * bw * 2 - bw / 2, py + ph - h, bw, h));
    }
  }

  /** A line through the samples, broken where one is NaN; single samples are dots. */
  private void line(double[] values, Color c, boolean fill) {
    Path2D path = new Path2D.Double();
    Path2D area = new Path2D.Double();
    boolean open = false;
    int runStart = -1;
    for (int i = 0; i <= SECONDS + 1; i++) {
      double v = i <= SECONDS ? values[i] : Double.NaN;
      if (Double.isNaN(v)) {
        if (open && i - 1 == runStart) dot(x(runStart), y(values[runStart]), c);
        if (open && fill) {
          area.lineTo(x(i - 1), py + ph);
          area.lineTo(x(runStart), py + ph);
          area.closePath();
        }
        open = false;
        continue;
      }
      if (!open) {
        path.moveTo(x(i), y(v));
        area.moveTo(x(i), y(v));
        runStart = i;
        open = true;
      } else {
        path.lineTo(x(i), y(v));
        area.lineTo(x(i), y(v));
      }
    }
    if (fill) {
      g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 50));
      g.fill(area);
    }
    g.setColor(c);
    g.setStroke(new BasicStroke(2, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(path);
    g.setStroke(new BasicStroke(1));
  }

  private void dot(double x, double y, Color c) {
    Shape d = new Ellipse2D.Double(x - 3, y - 3, 6, 6);
    g.setColor(c);
    g.fill(d);
  }

  private void legend(String[] labels, Color[] colors) {
    double lx = px;
    double ly = py + ph + 30;
    for (int i = 0; i < labels.length; i++) {
      g.setColor(colors[i]);
      g.fill(new Rectangle2D.Double(lx, ly - 8, 12, 4));
      text(lx + 17, ly - 3, labels[i], 10, false, TEXT);
      lx += 17 + width(labels[i], 10) + 18;
    }
  }

  private double x(double second) {
    return px + pw * second / SECONDS;
  }

  private double y(double v) {
    return py + ph - ph * Math.min(v, yMax) / yMax;
  }

  /** A round axis maximum above every value (NaN ignored), at least 1. */
  private static double niceMax(double[]... series) {
    double max = 1;
    for (double[] values : series) for (double v : values) if (!Double.isNaN(v)) max = Math.max(max, v);
    double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= max * 1.05) return step * magnitude;
    }
    return 10 * magnitude;
  }

  private static String label(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private void text(double x, double y, String text, int size, boolean bold, Color c) {
    g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, size));
    g.setColor(c);
    g.drawString(text, (float) x, (float) y);
  }

  private double width(String text, int size) {
    return g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, size)).stringWidth(text);
  }
}
