/**
 * SteadySocket: a WebSocket client that stays connected.
 *
 * <p>Start at {@link dev.steadysocket.SteadySocket#builder(String)}. Every type in this package
 * is public API; everything under {@code dev.steadysocket.internal} is not and may change in any
 * release. Parameters and return values are non-null unless annotated {@code @Nullable}.
 *
 * <p><b>Entry point.</b> {@link dev.steadysocket.SteadySocket#builder(String)} returns a {@link
 * dev.steadysocket.SteadySocketBuilder}; configure it, {@code build()} a socket, add a {@link
 * dev.steadysocket.SteadySocketListener} (or typed handlers with {@code on(type, Class, handler)}),
 * then {@code connect()}, {@code send(Envelope)} and, when done, {@code close()}. Every error is a
 * {@link dev.steadysocket.SteadySocketException} subclass, reported to {@code onError} or through
 * the future of the call it concerns.
 *
 * <p><b>Threading.</b> Every socket method is thread-safe and non-blocking: each socket's state is
 * owned by one internal loop thread shared by all sockets, which public methods and OkHttp's
 * callbacks only post to, while sends take a lock of their own so messages leave in the order of
 * the {@code send} calls. Listener callbacks, typed handlers and future completions run on the
 * callback executor (by default SteadySocket's dispatch pool), one at a time and in order per
 * socket, never on the loop thread and never under an SDK lock; reconnect policies and token
 * providers run on the dispatch pool.
 *
 * <p><b>Nullness.</b> The package is {@code @NullMarked} (JSpecify): every parameter, return
 * value and field type is non-null unless annotated {@code @Nullable}, and the documentation of
 * each {@code @Nullable} one says what null means.
 *
 * <p><b>Invariants.</b> The promises the implementation keeps (every future completes exactly once
 * by the time {@code onClosed} has run, no retry without a delay, no application code on the loop
 * thread or under a lock, and the others) are listed in docs/threading.md ("The invariants"), with
 * the place in the code that keeps each and the tests that check them.
 */
@NullMarked
package dev.steadysocket;

import org.jspecify.annotations.NullMarked;
