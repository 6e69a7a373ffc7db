package dev.steadysocket.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The default {@link ObjectMapper}: Jackson's defaults, but tolerant of unknown properties. */
public final class Json {
  // Default typing stays off: a payload must never choose which class Jackson instantiates.
  private static final ObjectMapper DEFAULT =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Json() {}

  /** Shared and never reconfigured after creation, so it is thread-safe. */
  public static ObjectMapper defaultMapper() {
    return DEFAULT;
  }
}
