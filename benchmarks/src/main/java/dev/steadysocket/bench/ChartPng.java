package dev.steadysocket.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Draws {@link Chart}'s SVG with Java2D into a PNG (headless, no network): the chart uses only
 * one element per line from a small subset (svg, rect, line, polyline, text), which this reads.
 */
final class ChartPng {
  private static final Pattern ATTR = Pattern.compile("([a-z0-9-]+)=\"([^\"]*)\"");

  private ChartPng() {}

  static void write(String svg, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = null;
    Graphics2D g = null;
    for (String line : svg.split("\n")) {
      line = line.trim();
      Map<String, String> a = attrs(line);
      if (line.startsWith("<svg")) {
        img = new BufferedImage(Integer.parseInt(a.get("width")), Integer.parseInt(a.get("height")), BufferedImage.TYPE_INT_RGB);
        g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
      } else if (g == null) {
        continue;
      } else if (line.startsWith("<rect") && a.containsKey("x")) {
        Rectangle2D r = new Rectangle2D.Double(d(a, "x"), d(a, "y"), d(a, "width"), d(a, "height"));
        g.setColor(color(a.get("fill")));
        g.fill(r);
        if (a.containsKey("stroke")) {
          g.setColor(color(a.get("stroke")));
          g.setStroke(new BasicStroke(1));
          g.draw(r);
        }
      } else if (line.startsWith("<line")) {
        g.setColor(color(a.get("stroke")));
        g.setStroke(a.containsKey("stroke-dasharray")
            ? new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 3}, 0)
            : new BasicStroke(1));
        g.draw(new Line2D.Double(d(a, "x1"), d(a, "y1"), d(a, "x2"), d(a, "y2")));
      } else if (line.startsWith("<polyline")) {
        Path2D p = new Path2D.Double();
        boolean first = true;
        for (String pt : a.get("points").trim().split("\\s+")) {
          String[] xy = pt.split(",");
          if (first) p.moveTo(Double.parseDouble(xy[0]), Double.parseDouble(xy[1]));
          else p.lineTo(Double.parseDouble(xy[0]), Double.parseDouble(xy[1]));
          first = false;
        }
        g.setColor(color(a.get("stroke")));
        g.setStroke(new BasicStroke(2));
        g.draw(p);
      } else if (line.startsWith("<text")) {
        String text = line.substring(line.indexOf('>') + 1, line.lastIndexOf("</text>"))
            .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        int size = a.containsKey("font-size") ? Integer.parseInt(a.get("font-size")) : 11;
        g.setFont(new Font(Font.SANS_SERIF, "bold".equals(a.get("font-weight")) ? Font.BOLD : Font.PLAIN, size));
        g.setColor(Color.BLACK);
        int w = g.getFontMetrics().stringWidth(text);
        double x = d(a, "x");
        if ("middle".equals(a.get("text-anchor"))) x -= w / 2.0;
        if ("end".equals(a.get("text-anchor"))) x -= w;
        g.drawString(text, (float) x, (float) d(a, "y"));
      }
    }
    if (img != null) ImageIO.write(img, "png", file.toFile());
  }

  private static Map<String, String> attrs(String line) {
    Map<String, String> m = new HashMap<>();
    int end = line.indexOf('>');
    Matcher matcher = ATTR.matcher(end < 0 ? line : line.substring(0, end));
    while (matcher.find()) m.put(matcher.group(1), matcher.group(2));
    return m;
  }

  private static double d(Map<String, String> a, String k) {
    return Double.parseDouble(a.get(k));
  }

  private static Color color(String hex) {
    if (hex == null || !hex.startsWith("#")) return Color.WHITE;
    String h = hex.substring(1);
    if (h.length() == 3) h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
    return new Color(Integer.parseInt(h, 16));
  }
}
