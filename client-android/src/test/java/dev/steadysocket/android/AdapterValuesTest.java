package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import dev.steadysocket.Heartbeat;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.Test;

/**
 * The adapter's values and its one pure rule, {@link Verdict}, at the edges the integration tests
 * cannot pin on every API level: the grace's exact end, the foreground-service importance, the
 * network signal's absence. Plain JUnit 4: no Android types involved, so no Robolectric.
 */
public class AdapterValuesTest {
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final AttachOptions DISCONNECT =
      AttachOptions.defaults().withBackground(BackgroundPolicy.disconnectInBackground(GRACE));

  @Test
  public void theGraceEndsExactlyAtItsLength() {
    Verdict.Facts f = online(35);
    f.foreground = false;
    f.backgroundMillis = GRACE.toMillis() - 1;
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(f, DISCONNECT));
    f.backgroundMillis = GRACE.toMillis();
    assertEquals(EnumSet.of(PauseReason.BACKGROUND), reasons(f, DISCONNECT));
    f.foreground = true; // the background time means nothing in the foreground
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(f, DISCONNECT));
  }

  @Test
  public void withoutTheNetworkSignalNoNetworkReasonIsHeldButTheOthersAre() {
    Verdict.Facts f = new Verdict.Facts();
    f.sdk = 35;
    f.networkKnown = false;
    f.hasNetwork = false;
    f.foreground = false;
    f.backgroundMillis = GRACE.toMillis();
    f.screenScoped = true;
    assertEquals(EnumSet.of(PauseReason.BACKGROUND, PauseReason.SCREEN), reasons(f, DISCONNECT));
  }

  @Test
  public void whileUnsettledOnlyTheNetworkReasonsHeldBeforeAreKept() {
    Verdict.Facts f = online(35);
    f.settled = false;
    f.hasNetwork = false; // the burst is still arriving: not yet "offline"
    Set<PauseReason> before = EnumSet.of(PauseReason.DOZE, PauseReason.METERED, PauseReason.SCREEN);
    assertEquals(EnumSet.of(PauseReason.DOZE, PauseReason.METERED), Verdict.reasons(f, DISCONNECT, before));
  }

  @Test
  public void fromApi29OnlyThePlatformsVerdictBlocks() {
    Verdict.Facts f = online(29);
    f.powerSave = true;
    f.importance = 400;
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(f, DISCONNECT)); // inferred: not here
    f.blocked = true;
    assertEquals(EnumSet.of(PauseReason.BLOCKED), reasons(f, DISCONNECT));
    f.deviceIdle = true;
    assertEquals(EnumSet.of(PauseReason.DOZE), reasons(f, DISCONNECT));

    Verdict.Facts old = online(28);
    old.blocked = true; // no per-app verdict before 29: only the inference counts
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(old, DISCONNECT));
  }

  /** API 26–28: a process at foreground-service importance (125) or better is exempt, 126 is not. */
  @Test
  public void theForegroundServiceImportanceIsTheExemptionsEdge() {
    Verdict.Facts f = online(26);
    f.deviceIdle = true;
    f.importance = Verdict.IMPORTANCE_FOREGROUND_SERVICE;
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(f, DISCONNECT));
    f.importance = Verdict.IMPORTANCE_FOREGROUND_SERVICE + 1;
    assertEquals(EnumSet.of(PauseReason.DOZE), reasons(f, DISCONNECT));
    assertEquals(EnumSet.noneOf(PauseReason.class),
        reasons(f, DISCONNECT.withPowerRestrictionsIgnored()));
  }

  @Test
  public void inferredRestrictionsOnApi28() {
    Verdict.Facts f = online(28);
    f.importance = 400;
    f.deviceIdle = true;
    f.allowListed = true; // exempt from Doze and battery saver, not from the rest
    f.powerSave = true;
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(f, DISCONNECT));

    f.dataSaver = true; // blocks metered networks only
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(f, DISCONNECT));
    f.metered = true;
    assertEquals(EnumSet.of(PauseReason.BLOCKED), reasons(f, DISCONNECT));

    Verdict.Facts r = online(28);
    r.importance = 400;
    r.backgroundRestricted = true; // the background only
    assertEquals(EnumSet.noneOf(PauseReason.class), reasons(r, AttachOptions.defaults()));
    r.foreground = false;
    assertEquals(EnumSet.of(PauseReason.BLOCKED), reasons(r, AttachOptions.defaults()));
  }

  @Test
  public void attachOptionsSayWhatTheySet() {
    assertEquals("AttachOptions{background=keepAlive, livenessCheck=PT5S}", AttachOptions.defaults().toString());
    Heartbeat slow = Heartbeat.every(Duration.ofMinutes(4));
    AttachOptions all = DISCONNECT.withValidatedNetworksOnly().withPauseOnMeteredNetworks()
        .withPowerRestrictionsIgnored().withoutLivenessCheck().withBackgroundHeartbeat(slow);
    assertEquals("AttachOptions{background=disconnectInBackground(PT30S), validatedNetworksOnly,"
        + " pauseOnMetered, powerRestrictionsIgnored, livenessCheck=off, backgroundHeartbeat=" + slow + "}",
        all.toString());
    assertSame(slow, all.backgroundHeartbeat());
    assertNull(all.livenessTimeout());
    assertEquals(Duration.ofSeconds(2), all.withLivenessCheck(Duration.ofSeconds(2)).livenessTimeout());
  }

  @Test
  public void aWarningNamesTheSignalAndWhatThePlatformThrew() {
    AttachmentWarning w = new AttachmentWarning(AttachmentWarning.Signal.NETWORK,
        new SecurityException("Package android does not belong to 10001"));
    assertEquals("java.lang.SecurityException: Package android does not belong to 10001", w.cause());
    assertEquals("AttachmentWarning{NETWORK unavailable: java.lang.SecurityException:"
        + " Package android does not belong to 10001}", w.toString());
    AttachmentWarning bare =
        new AttachmentWarning(AttachmentWarning.Signal.DEEP_SLEEP_TIMER, new IllegalStateException());
    assertEquals("java.lang.IllegalStateException", bare.cause());
    assertEquals("AttachmentWarning{DEEP_SLEEP_TIMER unavailable: java.lang.IllegalStateException}", bare.toString());
  }

  @Test
  public void pauseReasonsRoundTripTheirStrings() {
    for (PauseReason r : PauseReason.values()) assertSame(r, PauseReason.of(r.reason()));
    assertEquals("offline", PauseReason.OFFLINE.reason());
    assertEquals("screen", PauseReason.SCREEN.reason());
    assertNull(PauseReason.of("user")); // the app's own reason
    assertNull(PauseReason.of("OFFLINE"));
  }

  /** Settled, a validated unmetered default network, in the foreground, nothing restricted. */
  private static Verdict.Facts online(int sdk) {
    Verdict.Facts f = new Verdict.Facts();
    f.sdk = sdk;
    f.networkKnown = true;
    f.hasNetwork = true;
    f.validated = true;
    return f;
  }

  private static EnumSet<PauseReason> reasons(Verdict.Facts f, AttachOptions o) {
    return Verdict.reasons(f, o, EnumSet.noneOf(PauseReason.class));
  }
}
