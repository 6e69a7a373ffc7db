package dev.steadysocket.opentelemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.net.URI;

/**
 * The attributes that name a socket's server: scheme, host and port, read from {@link
 * dev.steadysocket.SteadySocket#redactedUrl()} ({@code wss://host:port/...}), which has neither
 * path, query nor user info to leak. Immutable.
 */
final class Endpoint {
  private Endpoint() {}

  /** {@code network.protocol.name}, and the scheme, host and port of {@code redactedUrl} when it parses. */
  static Attributes of(String redactedUrl) {
    AttributesBuilder b = Attributes.builder().put(Names.NETWORK_PROTOCOL_NAME, "websocket");
    URI uri;
    try {
      uri = new URI(redactedUrl);
    } catch (java.net.URISyntaxException e) {
      return b.build(); // never expected: the core built it from a valid URL
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null) return b.build();
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1); // IPv6
    int port = uri.getPort();
    if (port == -1) port = scheme.equalsIgnoreCase("wss") ? 443 : 80;
    return b.put(Names.URL_SCHEME, scheme).put(Names.SERVER_ADDRESS, host).put(Names.SERVER_PORT, port).build();
  }
}
