package dev.steadysocket.android;

import java.util.EnumSet;
import java.util.Set;

/**
 * The one rule for which pause reasons an attachment holds, as a pure function of what the
 * platform says ({@link Facts}) and the attachment's options. No Android calls, no clock: {@link
 * Steering} gathers the facts, and tests can enumerate them.
 */
final class Verdict {
  private Verdict() {}

  /** Importance of a foreground service: this or better keeps network in Doze and battery saver. */
  static final int IMPORTANCE_FOREGROUND_SERVICE = 125;

  /** What the platform says now. Plain fields; filled on the main thread and then only read. */
  static final class Facts {
    int sdk;
    /** The default-network callback is registered; without it no network reason is held. */
    boolean networkKnown;
    /** False while a new default network's burst of callbacks is still being delivered. */
    boolean settled = true;
    boolean hasNetwork;
    boolean validated;
    boolean captivePortal;
    boolean metered;
    /** API 29+: the platform's verdict for this app on the default network. */
    boolean blocked;
    boolean deviceIdle;
    boolean powerSave;
    boolean allowListed;
    boolean dataSaver;
    boolean backgroundRestricted;
    int importance = 1000;
    boolean foreground = true;
    /** Elapsed real time spent in the background so far (meaningless in the foreground). */
    long backgroundMillis;
    boolean screenScoped;
    boolean screenStarted;
  }

  /** The reasons that follow from the network alone; kept as they were while it is settling. */
  private static final Set<PauseReason> NETWORK_REASONS =
      EnumSet.of(PauseReason.OFFLINE, PauseReason.BLOCKED, PauseReason.DOZE, PauseReason.METERED);

  /**
   * @param previous the reasons held until now (network reasons are kept while unsettled)
   */
  static EnumSet<PauseReason> reasons(Facts f, AttachOptions o, Set<PauseReason> previous) {
    EnumSet<PauseReason> out = EnumSet.noneOf(PauseReason.class);
    if (!f.networkKnown) {
      // no network signal: nothing network-related is ever held
    } else if (!f.settled) {
      for (PauseReason r : previous) if (NETWORK_REASONS.contains(r)) out.add(r);
    } else if (!f.hasNetwork || f.captivePortal || (o.validatedOnly() && !f.validated)) {
      out.add(PauseReason.OFFLINE);
    } else {
      if (f.sdk >= 29) {
        if (f.blocked) out.add(f.deviceIdle ? PauseReason.DOZE : PauseReason.BLOCKED);
      } else if (!o.ignorePowerRestrictions()) {
        addInferredRestriction(f, out);
      }
      if (o.pauseOnMetered() && f.metered) out.add(PauseReason.METERED);
    }
    java.time.Duration grace = o.background().grace();
    if (grace != null && !f.foreground && f.backgroundMillis >= grace.toMillis()) {
      out.add(PauseReason.BACKGROUND);
    }
    if (f.screenScoped && !f.screenStarted) out.add(PauseReason.SCREEN);
    return out;
  }

  /**
   * API 26–28, where the platform gives no per-app verdict: AOSP's rules as far as an app can see
   * them. A process at foreground-service importance or better is exempt from all of them; the
   * battery-optimization allow-list from Doze and battery saver; Data Saver blocks metered networks
   * only; background restriction (API 28) the background only.
   */
  private static void addInferredRestriction(Facts f, Set<PauseReason> out) {
    if (f.importance <= IMPORTANCE_FOREGROUND_SERVICE) return;
    if (f.deviceIdle && !f.allowListed) {
      out.add(PauseReason.DOZE);
    } else if ((f.powerSave && !f.allowListed)
        || (f.dataSaver && f.metered)
        || (f.backgroundRestricted && !f.foreground)) {
      out.add(PauseReason.BLOCKED);
    }
  }
}
