package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.internal.Api;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The setup-message values (#18): what each form says of itself, its text, and the default policy's answer. */
class SetupValuesTest extends SetupTestBase {
  private static final Envelope SECRET = Envelope.of("auth", Map.of("token", "s3cret"));

  @Test
  void eachFormSaysWhatItIsAndItsTextNamesTheTypeOnly() {
    SetupMessage fixed = SetupMessage.of(SECRET);
    SetupMessage token = SetupMessage.fromToken(t -> SECRET);
    assertFalse(fixed.usesToken());
    assertTrue(token.usesToken());
    assertSame(SECRET, fixed.envelope());
    assertEquals("SetupMessage{auth}", fixed.toString());
    assertEquals("SetupMessage{from token, awaitReply=PT5S}", token.awaitReply(Duration.ofSeconds(5)).toString());
    assertEquals("SetupMessage{auth, awaitReplyBeforeSends=PT5S, closeOnRejection, cancelWith=logout}",
        fixed.awaitReplyBeforeSends(Duration.ofSeconds(5)).onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION)
            .cancelWith(Envelope.of("logout", "x")).toString());
    assertTrue(fixed.awaitReplyBeforeSends(Duration.ofSeconds(1)).holdsSends());
    assertFalse(fixed.awaitReply(Duration.ofSeconds(1)).holdsSends());
    assertThrows(IllegalArgumentException.class, () -> fixed.awaitReply(Duration.ZERO));
  }

  @Test
  void theDefaultPolicyRefreshesTheTokenOnlyForARejectedMessageBuiltFromIt() {
    SteadySocket socket = builder().build();
    SetupRegistration fromToken = socket.setup(SetupMessage.fromToken(t -> SECRET).awaitReply(Duration.ofSeconds(5)));
    SetupRegistration fixed = socket.setup(SetupMessage.of(SECRET).awaitReply(Duration.ofSeconds(5)));
    Envelope no = Envelope.of("error", "no");
    assertEquals(ReconnectPolicy.Decision.Action.REFRESH_TOKEN_AND_RETRY, decide(Api.get().setupRejected(fromToken, no)));
    assertEquals(ReconnectPolicy.Decision.Action.RETRY, decide(Api.get().setupRejected(fixed, no)));
    assertEquals(ReconnectPolicy.Decision.Action.RETRY, decide(Api.get().setupTimeout(fromToken, Duration.ofSeconds(5))));
    SetupTimeoutException forever = Api.get().setupTimeout(fixed, Duration.ofSeconds(Long.MAX_VALUE));
    assertTrue(forever.getMessage().endsWith("within " + Long.MAX_VALUE + " ms"), forever.getMessage());
    assertFalse(forever.getMessage().contains("s3cret"));
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  @Test
  void aRegistrationAfterCloseIsCancelledTheMomentItIsMade() {
    SteadySocket socket = builder().build();
    socket.close(); // the loop has not run: the socket is not CLOSED yet
    assertEquals(SetupStatus.CANCELLED, socket.setup(SetupMessage.of(SECRET)).status());
    clock.runUntilIdle();
    drain();
  }

  private static ReconnectPolicy.Decision.Action decide(SteadySocketException error) {
    Disconnect d = Api.get().disconnect(Disconnect.Kind.SETUP_FAILED, -1, -1, null, true, error);
    return ReconnectPolicy.defaults().decide(d).action();
  }
}
