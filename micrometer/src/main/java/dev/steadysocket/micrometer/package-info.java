/**
 * Micrometer meters for SteadySocket: {@link dev.steadysocket.micrometer.SteadySocketMeters}, a
 * {@link dev.steadysocket.SocketObserver.Factory} and a Micrometer {@code MeterBinder} in one.
 * See the module's README for the meter table.
 *
 * <p>Null-marked (JSpecify): parameters and results are non-null unless marked {@code @Nullable}.
 * Every type states which threads may call it.
 */
@NullMarked
package dev.steadysocket.micrometer;

import org.jspecify.annotations.NullMarked;
