/**
 * Implementation of SteadySocket. Not public API: nothing here is stable across releases.
 *
 * <p>Threading model, written down once: {@link dev.steadysocket.internal.ConnectionLoop} owns all
 * connection state and is only entered on its {@link dev.steadysocket.internal.Scheduler}'s serial
 * thread. OkHttp's threads and the application's threads never touch that state; they post events.
 * The one exception is the inbound message path, which runs on OkHttp's reader thread and touches
 * only a {@link dev.steadysocket.internal.Connection}'s own lock-guarded fields, so messages do not
 * pay for a hop through the loop. Listener code runs only on the caller-chosen executor, through
 * {@link dev.steadysocket.internal.ListenerBus}, never under a lock and never on the loop.
 */
@NullMarked
package dev.steadysocket.internal;

import org.jspecify.annotations.NullMarked;
