/**
 * SteadySocket's test kit, for the tests of applications built on it: {@link
 * dev.steadysocket.testing.FakeServer} (the envelope protocol, scriptable, with faults on command,
 * in memory on a {@link dev.steadysocket.testing.TestClock} or on a loopback port), {@link
 * dev.steadysocket.testing.SocketEvents} (a recording listener) and {@link
 * dev.steadysocket.testing.SteadySocketExtension} (JUnit 5: starts and stops servers, fails a test
 * that leaks a socket or a thread). See docs/testing.md.
 *
 * <p>Released with client-core and tied to its exact version (it drives the socket through
 * client-core's internal seam, {@code dev.steadysocket.internal.Api#wire}); nothing here exposes a
 * client-core internal type.
 *
 * <p>Null-marked: parameters, results and fields are non-null unless marked {@code @Nullable}.
 * Each type states which threads may call it.
 */
@NullMarked
package dev.steadysocket.testing;

import org.jspecify.annotations.NullMarked;
