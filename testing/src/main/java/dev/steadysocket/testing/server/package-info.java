/**
 * The server side of SteadySocket's envelope protocol, as {@code FakeServer} runs it and as a demo
 * or test server can reuse it: heartbeat echoes, acknowledgements with de-duplication ({@link
 * dev.steadysocket.testing.server.Inbox}), request/reply, and resumable streams ({@link
 * dev.steadysocket.testing.server.FeedStream}). {@link dev.steadysocket.testing.server.FeedProtocol}
 * makes one OkHttp {@code WebSocketListener} per connection; it runs on whatever carries the
 * frames: a real socket (MockWebServer) or the kit's in-memory link on a virtual clock.
 *
 * <p>Null-marked: parameters, results and fields are non-null unless marked {@code @Nullable}.
 * Each type states which threads may call it.
 */
@NullMarked
package dev.steadysocket.testing.server;

import org.jspecify.annotations.NullMarked;
