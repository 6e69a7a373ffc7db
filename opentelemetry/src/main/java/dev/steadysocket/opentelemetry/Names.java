package dev.steadysocket.opentelemetry;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.steadysocket.Disconnect;
import dev.steadysocket.SocketObserver;
import io.opentelemetry.api.common.AttributeKey;
import java.util.Locale;

/**
 * Every attribute key, event name and constant value the observers record: the README's table, in
 * code. OpenTelemetry's own names where a stable or incubating convention fits ({@code server.*},
 * {@code network.protocol.name}, {@code url.scheme}, {@code http.response.status_code}, {@code
 * error.type}, {@code messaging.*}); {@code websocket.*} for the rest, the namespace proposed in
 * semantic-conventions#2841. Durations are seconds, as doubles, as OpenTelemetry records them.
 */
final class Names {
  private Names() {}

  // Stable conventions.
  static final AttributeKey<String> NETWORK_PROTOCOL_NAME = stringKey("network.protocol.name");
  static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
  static final AttributeKey<String> URL_SCHEME = stringKey("url.scheme");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

  // Messaging conventions (incubating), for the spans of one message.
  static final AttributeKey<String> MESSAGING_SYSTEM = stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_OPERATION_TYPE = stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGING_OPERATION_NAME = stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGING_MESSAGE_ID = stringKey("messaging.message.id");
  static final AttributeKey<Long> MESSAGING_MESSAGE_BODY_SIZE = longKey("messaging.message.body.size");

  // websocket.*: what no convention names yet.
  static final AttributeKey<String> NAME = stringKey("websocket.name");
  static final AttributeKey<Long> URL_INDEX = longKey("websocket.url.index");
  static final AttributeKey<Long> ATTEMPT = longKey("websocket.connect.attempt");
  static final AttributeKey<String> CONNECT_OUTCOME = stringKey("websocket.connect.outcome");
  static final AttributeKey<String> SUBPROTOCOL = stringKey("websocket.subprotocol");
  static final AttributeKey<String> EXTENSIONS = stringKey("websocket.extensions");
  static final AttributeKey<String> DISCONNECT_KIND = stringKey("websocket.disconnect.kind");
  static final AttributeKey<Long> CLOSE_CODE = longKey("websocket.close.code");
  static final AttributeKey<Double> CONNECTION_DURATION = doubleKey("websocket.connection.duration");
  static final AttributeKey<Long> RECONNECT_ATTEMPTS = longKey("websocket.reconnect.attempts");
  static final AttributeKey<String> RECONNECT_OUTCOME = stringKey("websocket.reconnect.outcome");
  static final AttributeKey<Double> RECONNECT_DELAY = doubleKey("websocket.reconnect.delay");
  static final AttributeKey<Double> PHASE_DURATION = doubleKey("websocket.phase.duration");
  static final AttributeKey<Double> DEAD_LINK_SILENCE = doubleKey("websocket.dead_link.silence");
  static final AttributeKey<String> ENVELOPE_TYPE = stringKey("websocket.envelope.type");

  // Events.
  static final String DEAD_LINK = "websocket.dead_link";
  static final String RECONNECT_SCHEDULED = "websocket.reconnect_scheduled";

  /** The event of each phase, by {@link SocketObserver.Phase#ordinal()}: {@code websocket.phase.dns}… */
  private static final String[] PHASE_EVENTS = new String[SocketObserver.Phase.values().length];

  /** {@code websocket.disconnect.kind}'s values, by {@link Disconnect.Kind#ordinal()}: {@code dead_link}… */
  private static final String[] KINDS = new String[Disconnect.Kind.values().length];

  static {
    for (SocketObserver.Phase p : SocketObserver.Phase.values()) {
      PHASE_EVENTS[p.ordinal()] = "websocket.phase." + p.name().toLowerCase(Locale.ROOT);
    }
    for (Disconnect.Kind k : Disconnect.Kind.values()) KINDS[k.ordinal()] = k.name().toLowerCase(Locale.ROOT);
  }

  static String phaseEvent(SocketObserver.Phase phase) {
    return PHASE_EVENTS[phase.ordinal()];
  }

  static String kind(Disconnect.Kind kind) {
    return KINDS[kind.ordinal()];
  }

  /** {@code error.type} for an exception: its class's name, never its message (which may carry what the server sent). */
  static String errorType(Throwable error) {
    Throwable e = error;
    if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) e = e.getCause();
    return e.getClass().getName();
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
