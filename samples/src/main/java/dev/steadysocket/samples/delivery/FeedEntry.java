package dev.steadysocket.samples.delivery;

/**
 * One entry of a resumable stream, ready for the wire: {@code text} is the complete envelope, whose
 * {@code id} is {@code id} and whose {@code meta.stream} names the stream.
 */
public record FeedEntry(StreamId id, String text) {}
