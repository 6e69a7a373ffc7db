/**
 * SteadySocket: a WebSocket client that stays connected.
 *
 * <p>Start at {@link dev.steadysocket.SteadySocket#builder(String)}. Every type in this package
 * is public API; everything under {@code dev.steadysocket.internal} is not and may change in any
 * release. Parameters and return values are non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.steadysocket;

import org.jspecify.annotations.NullMarked;
