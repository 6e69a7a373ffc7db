package dev.steadysocket.internal;

/**
 * One WebSocket connection attempt, as the loop sees it. The OkHttp implementation is {@link
 * OkHttpTransport}; tests substitute a fake to drive the state machine in virtual time.
 */
public interface Transport {
  /** Enqueues a text frame; false if the connection is closing or failed. Non-blocking. */
  boolean send(String text);

  /** Enqueues a binary frame; false if the connection is closing or failed. Non-blocking. */
  boolean sendBinary(byte[] bytes);

  /** Bytes enqueued but not yet written. */
  long queueSize();

  /** Pongs received so far, or -1 if the transport cannot tell. */
  long pongCount();

  /** Sends a ping frame, soon and without blocking; false if the connection is closing or gone. */
  boolean ping();

  /** The subprotocol the server chose in the handshake, or null; known once open. */
  default @org.jspecify.annotations.Nullable String subprotocol() {
    return null;
  }

  /** The extensions negotiated in the handshake (its Sec-WebSocket-Extensions), or ""; known once open. */
  default String extensions() {
    return "";
  }

  /** The compression the server agreed to; known once open. */
  default dev.steadysocket.Compression compression() {
    return dev.steadysocket.Compression.disabled();
  }

  /** Starts a graceful close. */
  void close(int code, String reason);

  /** Releases the connection at once, without a close handshake. */
  void cancel();

  /** Creates transports. */
  interface Factory {
    /**
     * Starts connecting. Callbacks arrive on {@code listener} from other threads.
     *
     * @param refreshToken whether the token provider must be asked for a fresh token
     * @param headers extra handshake headers for this attempt (the resume position)
     */
    Transport connect(boolean refreshToken, java.util.Map<String, String> headers, Listener listener);

    /**
     * The factory for one of the socket's URLs, given that URL's handshake request (its URL, the
     * configured headers and subprotocols; a token is added per attempt, in {@code headers}) and the
     * inbound message limit the OkHttp transport's guard enforces. A stand-in for the network (the
     * testing module's in-memory server) uses them to see and do what a real server and transport
     * would; by default every URL shares this factory.
     */
    default Factory forRequest(okhttp3.Request handshake, long maxInboundMessageBytes) {
      return this;
    }
  }

  /** Receives a transport's events. Called on transport threads (OkHttp's). */
  interface Listener {
    void onOpen();

    /** Called on the reader thread, in frame order. */
    void onText(String text);

    /** Called on the reader thread, in frame order. */
    void onBinary(byte[] bytes);

    /** A pong frame arrived. Called on the reader thread; only transports that count pongs call it. */
    default void onPong() {}

    /** The server sent a close frame; the transport has already answered it. */
    void onClosing(int code, String reason);

    /**
     * The server broke a limit (message size, ping flood): the transport refused it, sent a close
     * frame with the code the error names and is closing. Called on the reader thread.
     */
    void onRefused(dev.steadysocket.SteadySocketException error, int closeCode);

    /** The close handshake finished. */
    void onClosed(int code, String reason);

    /**
     * The attempt or connection failed.
     *
     * @param httpStatus the handshake response status, or -1 if there was none
     * @param retryAfter the handshake response's Retry-After header, if any
     */
    void onFailure(Throwable error, int httpStatus, @org.jspecify.annotations.Nullable String retryAfter);
  }
}
