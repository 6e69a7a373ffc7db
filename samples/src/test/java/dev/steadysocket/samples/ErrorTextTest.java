package dev.steadysocket.samples;

import dev.steadysocket.samples.support.ErrorText;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.SteadySocketException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** The SDK words a lost transport as "connection failed: <JDK exception>"; the samples say what it means. */
class ErrorTextTest {
  @Test
  void endOfStreamIsAServerThatClosedWithoutACloseFrame() {
    EOFException eof = new EOFException();
    assertEquals("server closed the connection without a close frame (EOFException)",
        ErrorText.describe(new SteadySocketException("connection failed: EOFException: null", eof)));
  }

  @Test
  void resetAndBrokenPipeAreNamed() {
    SocketException reset = new SocketException("Connection reset");
    assertEquals("connection reset by the server (SocketException: Connection reset)",
        ErrorText.describe(new SteadySocketException("connection failed: SocketException: Connection reset", reset)));
    SocketException pipe = new SocketException("Broken pipe");
    assertEquals("server closed the connection without a close frame (SocketException: Broken pipe)",
        ErrorText.describe(new SteadySocketException("connection failed: SocketException: Broken pipe", pipe)));
  }

  @Test
  void aWrapperKeepsItsOwnMessage() {
    SteadySocketException last =
        new SteadySocketException("connection failed: EOFException: null", new EOFException());
    assertEquals("gave up after 3 attempts: server closed the connection without a close frame (EOFException)",
        ErrorText.describe(new SteadySocketException("gave up after 3 attempts", last)));
  }

  @Test
  void otherErrorsReadAsBefore() {
    ConnectException refused = new ConnectException("Failed to connect to /127.0.0.1:1");
    assertEquals("connection failed: ConnectException: Failed to connect to /127.0.0.1:1",
        ErrorText.describe(new SteadySocketException("connection failed: ConnectException: Failed to connect to /127.0.0.1:1", refused)));
    assertEquals("token provider failed: java.io.IOException: disk full",
        ErrorText.describe(new SteadySocketException("token provider failed: java.io.IOException", new IOException("disk full"))));
    assertEquals("SteadySocketException", ErrorText.describe(new SteadySocketException(null)));
  }
}
