package dev.steadysocket.bench;

/** Sizes of one suite run: {@code --quick} (a few minutes on 2 cores) or the full run. */
public final class Config {
  public final boolean quick;
  public int warmups;
  public int iterations;
  public final long inboundSmall;
  public final long inboundMedium;
  public final long outboundSmall;
  public final long outboundMedium;
  public final int rttWarmup;
  public int rttCount;
  /** Round trips are short and sensitive to bursts of other load: more, shorter iterations. */
  public int rttIterations;
  public int scaleSockets;
  public final int stormClients;
  public final long stormDowntimeMillis;
  /** The storm's clients' first-retry window ({@code --storm-backoff SECONDS}); null: the default. */
  public java.time.Duration stormInitialBackoff;
  public final int deadLinkSockets;
  public final long runTimeoutSeconds = 300;

  private Config(boolean quick) {
    this.quick = quick;
    this.warmups = quick ? 1 : 2;
    this.iterations = quick ? 3 : 5;
    this.rttIterations = quick ? 8 : 15;
    this.inboundSmall = quick ? 400_000 : 1_500_000;
    this.inboundMedium = quick ? 30_000 : 100_000;
    this.outboundSmall = quick ? 300_000 : 1_000_000;
    this.outboundMedium = quick ? 30_000 : 100_000;
    this.rttWarmup = quick ? 5_000 : 20_000;
    this.rttCount = quick ? 2_000 : 5_000;
    this.scaleSockets = 10_000;
    this.stormClients = 1_000;
    this.stormDowntimeMillis = 1_000;
    this.deadLinkSockets = quick ? 100 : 300;
  }

  public static Config of(boolean quick) {
    return new Config(quick);
  }
}
