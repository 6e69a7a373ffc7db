package dev.steadysocket.samples;

import static java.util.stream.Collectors.toList;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.testsupport.ChildProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two chat processes talking through a DemoFeedServer process, as the README tells people to. */
@Timeout(90)
class ChatSampleTest {
  private static final Duration SOON = Duration.ofSeconds(20);

  @Test
  void twoClientsChatThroughTheDemoServer() throws Exception {
    try (ChildProcess server = ChildProcess.java(DemoFeedServer.class, "--port", "0")) {
      String port = server.awaitStdout("listening on ws://127\\.0\\.0\\.1:(\\d+)/", SOON).group(1);
      String url = "ws://127.0.0.1:" + port + "/chat";
      try (ChildProcess alice = ChildProcess.java(ChatSample.class, url, "--name", "alice");
          ChildProcess bob = ChildProcess.java(ChatSample.class, url, "--name", "bob")) {
        alice.awaitStderr("^\\* in the room as alice", SOON);
        bob.awaitStderr("^\\* in the room as bob", SOON);

        alice.writeLine("hello bob");
        bob.awaitStdout("^\\[alice\\] hello bob$", SOON);
        bob.writeLine("hi alice, ünïcode ok");
        alice.awaitStdout("^\\[bob\\] hi alice, ünïcode ok$", SOON);

        alice.closeStdin(); // end of input: alice leaves gracefully
        assertEquals(0, alice.awaitExit(SOON));
        server.awaitStderr("disconnected \\(1000\\)", SOON);
      }
    }
  }

  @Test
  void slashToSendsToOneNamedClientOnly() throws Exception {
    try (DemoFeedServer server = DemoFeedServer.start(new DemoFeedServerOptions());
        ChildProcess alice = ChildProcess.java(ChatSample.class, server.url("/chat"), "--name", "alice")) {
      alice.awaitStderr("^\\* in the room as alice", SOON);
      try (ChildProcess bob = ChildProcess.java(ChatSample.class, server.url("/chat"), "--name", "bob");
          ChildProcess carol = ChildProcess.java(ChatSample.class, server.url("/chat"), "--name", "carol")) {
        // The server learns names from join envelopes: once alice has seen both, it knows them.
        alice.awaitStdout("^\\* (bob|carol) joined$", SOON);
        alice.awaitStdout("^\\* (bob|carol) joined$", SOON);

        alice.writeLine("/to carol psst");
        carol.awaitStdout("^\\[alice → you\\] psst$", SOON);
        alice.writeLine("/nope");
        alice.awaitStderr("^\\* unknown command /nope", SOON);
        alice.writeLine("/all /all is for lines that start with a slash");
        carol.awaitStdout("^\\[alice\\] /all is for lines that start with a slash$", SOON);
        // The server handled alice's lines before bob's below, so bob would have printed them first.
        bob.writeLine("everyone");
        carol.awaitStdout("^\\[bob\\] everyone$", SOON);
        alice.awaitStdout("^\\[bob\\] everyone$", SOON);
        bob.closeStdin();
        assertEquals(0, bob.awaitExit(SOON));
        List<String> bobSaw = bob.remainingStdout(SOON).stream().filter(l -> l.startsWith("[alice")).collect(toList());
        assertEquals(List.of("[alice] /all is for lines that start with a slash"), bobSaw, bob.transcript());
      }
    }
  }

  @Test
  void theOldToFlagPointsToTheCommand() throws Exception {
    try (ChildProcess chat = ChildProcess.java(ChatSample.class, "--to", "bob")) {
      chat.awaitStderr("^chat: --to is gone: type '/to NAME message' in the chat", SOON);
      assertEquals(FeedCli.EXIT_USAGE, chat.awaitExit(SOON));
    }
  }
}
