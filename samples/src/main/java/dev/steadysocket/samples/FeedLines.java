package dev.steadysocket.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.Envelope;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How feed-cli prints an envelope: one line, pretty, or all seven wire fields as JSON. */
final class FeedLines {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

  private final ObjectMapper json = new ObjectMapper();
  private final boolean pretty;

  FeedLines(boolean pretty) {
    this.pretty = pretty;
  }

  /** The local time, as every line starts: {@code 07:55:11.350}. */
  static String now() {
    return TIME.format(Instant.now());
  }

  /**
   * {@code time  type  sender[→receiver]  content}. The time is the local clock when the line is
   * printed, as on the state lines, so the two streams interleave in order; the envelope's own
   * timestamp (the sender's clock) is in the --json output.
   */
  String line(Envelope envelope) {
    String who = envelope.sender() == null ? "-" : envelope.sender();
    if (envelope.receiver() != null) {
      who += "→" + envelope.receiver();
    }
    String head = String.format(Locale.ROOT, "%s  %-9s %-12s", now(), envelope.type(), who);
    return pretty
        ? head.stripTrailing() + "\n" + render(envelope.content())
        : head + " " + render(envelope.content());
  }

  private String render(JsonNode content) {
    try {
      return pretty
          ? json.writerWithDefaultPrettyPrinter().writeValueAsString(content)
          : json.writeValueAsString(content);
    } catch (IOException e) {
      return String.valueOf(content);
    }
  }

  /** The envelope re-encoded with all seven wire fields. */
  String wireJson(Envelope envelope) {
    ObjectNode node = json.createObjectNode();
    node.put("id", envelope.id());
    node.put("type", envelope.type());
    node.put("sender", envelope.sender());
    node.put("receiver", envelope.receiver());
    node.set("content", envelope.content());
    node.put("timestamp", envelope.timestamp());
    node.putObject("meta").setAll(envelope.meta());
    return render(node);
  }
}
