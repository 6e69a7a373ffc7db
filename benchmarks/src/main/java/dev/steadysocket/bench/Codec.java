package dev.steadysocket.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.internal.Json;

/**
 * The one codec every peer uses: SteadySocket's default Jackson codec on SteadySocket's default
 * ObjectMapper. SteadySocket built with defaults uses exactly this mapper, so every peer does the
 * same decode work with the same ObjectMapper instance.
 */
public final class Codec {
  public static final ObjectMapper MAPPER = Json.defaultMapper();
  public static final MessageCodec CODEC = MessageCodec.jackson(MAPPER);

  private Codec() {}
}
