package dev.steadysocket.micrometer;

import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for a {@link SteadySocket}: install it with {@link
 * dev.steadysocket.SteadySocketBuilder#observer(SocketObserver.Factory)}, and the socket's
 * connection state, attempts, reconnects, round trips, messages, outbox and latencies appear in
 * the registry, tagged {@code socket=<the name you chose>} plus your own tags.
 *
 * <pre>{@code
 * SteadySocket ticker = SteadySocket.builder("wss://feed.example.com/v1?token=" + token)
 *     .observer(SteadySocketMeters.bindTo(registry, "ticker"))
 *     .build();
 * }</pre>
 *
 * <p>Or, where the registry comes later (Spring Boot binds every {@link MeterBinder} bean to its
 * registry at start-up): build the socket with {@code SteadySocketMeters.named("ticker")} and let
 * the container call {@link #bindTo(MeterRegistry)}, once per registry if there are several: the
 * meters are then in each. Events before a binding are not counted there; the gauges are right
 * from the binding on.
 *
 * <p><b>The meters</b> (names as Micrometer spells them, dot-separated; each registry's naming
 * convention renders them, {@code steadysocket_messages_total} in Prometheus). Every one carries
 * the tags {@link #tags()}; the table in the module's README says which event moves each:
 *
 * <ul>
 *   <li>gauges: {@code steadysocket.connection.state} (one per state, tag {@code state=idle,
 *       connecting, open, reconnecting, paused, closing, closed}: how many of the sockets of this
 *       name are in that state, so 1 for the current state of a single socket and 0 for the others,
 *       and sums across instances mean something), {@code steadysocket.outbox.depth}, {@code
 *       steadysocket.outbox.unacknowledged}, read from the socket at each scrape;
 *   <li>counters: {@code steadysocket.connection.attempts} ({@code outcome=opened, failed,
 *       abandoned}), {@code steadysocket.reconnects}, {@code steadysocket.disconnects} ({@code
 *       reason=}the {@link dev.steadysocket.Disconnect.Kind} in lower case, {@code opened=true}
 *       for a lost connection, {@code false} for a failed attempt), {@code steadysocket.dead.links},
 *       {@code steadysocket.messages} and {@code steadysocket.bytes} ({@code direction=in, out}),
 *       {@code steadysocket.messages.resent}, {@code steadysocket.messages.dropped} ({@code
 *       reason=overflow, closed}), {@code steadysocket.decode.errors}, {@code
 *       steadysocket.duplicates}, {@code steadysocket.callbacks.rejected};
 *   <li>timers: {@code steadysocket.connection.attempt.duration}, {@code
 *       steadysocket.reconnect.delay}, {@code steadysocket.handshake.phase} ({@code phase=dns,
 *       connect, tls, upgrade}), {@code steadysocket.heartbeat.rtt}, {@code steadysocket.ping.rtt},
 *       {@code steadysocket.send.latency} ({@code stage=written, acknowledged}), {@code
 *       steadysocket.request.latency} ({@code outcome=completed, timeout, failed}), {@code
 *       steadysocket.inbound.paused}.
 * </ul>
 *
 * <p>Timers publish count, total and max; percentiles or histograms are the registry's choice
 * (a {@code MeterFilter}), as for any Micrometer timer.
 *
 * <p><b>No URL, no secret.</b> The socket's URL, its query and its headers never become a tag:
 * the only tags are the name and the extra tags given here, and a name or tag value that looks
 * like a URL ({@code ://} or {@code ?}) is refused.
 *
 * <p><b>Lifetime.</b> The meters are registered when the first socket of a name is bound, and
 * removed from the registry when the last one closes, so sockets built and closed over and over
 * leave nothing behind. A socket that is never closed keeps its meters. The registry holds the
 * socket weakly (the gauges read it through a weak reference). Two sockets with the same name and
 * tags in one registry, whether built from one {@code SteadySocketMeters} or two, share the meters:
 * counters and timers add up, {@code outbox.depth} and {@code outbox.unacknowledged} are sums,
 * and {@code connection.state} counts the sockets in each state. Give sockets that should be apart
 * different names.
 *
 * <p><b>Cost.</b> The meters are resolved once per name and registry; an event updates one or two
 * of them in each registry bound, with no lookup and no allocation. The observer's methods run on
 * SteadySocket's own threads and never wait for another socket, except in the registry itself: the
 * closed event of the last socket of a name removes its meters from the registry on that thread
 * (Micrometer runs its listeners under the registry's own lock), and registers them again there
 * for a socket of the same name built meanwhile. No lock of this module is held then, so a slow
 * listener delays no other registry. They throw nothing of their own; a registry listener that
 * throws at that removal is reported as an observer failure ({@link
 * dev.steadysocket.Metrics#observerFailures()}), after every meter was removed.
 *
 * <p><b>Thread-safety:</b> thread-safe. {@link #create} is called by {@code build()} on the
 * building thread, {@link #bindTo(MeterRegistry)} on any thread, before or after.
 */
public final class SteadySocketMeters implements SocketObserver.Factory, MeterBinder {
  /** Tag keys of the meters themselves, which an extra tag may not take. */
  private static final Set<String> RESERVED_KEYS = new TreeSet<>(
      Arrays.asList("socket", "state", "outcome", "reason", "opened", "direction", "stage", "phase"));

  private final String socketName;
  private final Tags tags;
  private final Object lock = new Object();
  /** Guarded by lock: the registries bound, in order, each once (by identity). */
  private final List<MeterRegistry> registries = new ArrayList<>();
  /** Guarded by lock: the observers of the sockets built and not closed, joined to each registry bound. */
  private final List<SocketMeters> observers = new ArrayList<>();

  private SteadySocketMeters(String socketName, Iterable<Tag> extraTags) {
    this.socketName = check(Objects.requireNonNull(socketName, "socketName == null"), "socketName");
    if (socketName.isEmpty()) throw new IllegalArgumentException("socketName is empty");
    Objects.requireNonNull(extraTags, "extraTags == null");
    for (Tag tag : extraTags) {
      Objects.requireNonNull(tag, "an extra tag is null");
      if (RESERVED_KEYS.contains(tag.getKey())) {
        throw new IllegalArgumentException("tag key '" + tag.getKey() + "' is one of the meters' own: " + RESERVED_KEYS);
      }
      check(tag.getValue(), "tag " + tag.getKey());
    }
    this.tags = Tags.of(extraTags).and("socket", socketName);
  }

  /**
   * Meters for the sockets built with this factory, not yet bound to a registry: for a container
   * that binds {@link MeterBinder}s itself (Spring Boot), or to call {@link #bindTo(MeterRegistry)}
   * later.
   *
   * @param socketName the {@code socket} tag: a short name for what the socket is for ({@code
   *     "ticker"}, {@code "chat"}), never its URL; the same name in two sockets means shared meters
   * @param extraTags tags every meter carries besides {@code socket} (a region, a tenant class…);
   *     keep their values few, as for any Micrometer tag, and give every socket in one registry the
   *     same keys (Prometheus refuses two meters of one name with different tag keys)
   * @return unbound meters; nothing is counted until {@link #bindTo(MeterRegistry)}
   * @throws IllegalArgumentException if {@code socketName} is empty, if it or a tag value contains
   *     {@code ://} or {@code ?} (a URL), or if an extra tag uses a key of the meters' own ({@code
   *     socket}, {@code state}, {@code outcome}, {@code reason}, {@code opened}, {@code direction},
   *     {@code stage}, {@code phase})
   */
  public static SteadySocketMeters named(String socketName, Tag... extraTags) {
    return new SteadySocketMeters(socketName, Arrays.asList(Objects.requireNonNull(extraTags, "extraTags == null")));
  }

  /**
   * As {@link #named(String, Tag...)}, with the extra tags as {@link Tags} or any iterable.
   *
   * @param socketName the {@code socket} tag, never the socket's URL
   * @param extraTags tags every meter carries besides {@code socket}
   * @return unbound meters
   * @throws IllegalArgumentException as {@link #named(String, Tag...)}
   */
  public static SteadySocketMeters named(String socketName, Iterable<Tag> extraTags) {
    return new SteadySocketMeters(socketName, extraTags);
  }

  /**
   * Meters in {@code registry} for the sockets built with this factory: the usual way to install
   * them, {@code builder.observer(SteadySocketMeters.bindTo(registry, "ticker"))}.
   *
   * @param registry where the meters go (to publish to several, a {@code CompositeMeterRegistry}, or
   *     {@link #bindTo(MeterRegistry)} the result to each of the others)
   * @param socketName the {@code socket} tag, never the socket's URL
   * @param extraTags tags every meter carries besides {@code socket}
   * @return meters bound to {@code registry}
   * @throws IllegalArgumentException as {@link #named(String, Tag...)}
   */
  public static SteadySocketMeters bindTo(MeterRegistry registry, String socketName, Tag... extraTags) {
    SteadySocketMeters meters = named(socketName, extraTags);
    meters.bindTo(registry);
    return meters;
  }

  /**
   * As {@link #bindTo(MeterRegistry, String, Tag...)}, with the extra tags as {@link Tags} or any
   * iterable.
   *
   * @param registry where the meters go
   * @param socketName the {@code socket} tag, never the socket's URL
   * @param extraTags tags every meter carries besides {@code socket}
   * @return meters bound to {@code registry}
   * @throws IllegalArgumentException as {@link #named(String, Tag...)}
   */
  public static SteadySocketMeters bindTo(MeterRegistry registry, String socketName, Iterable<Tag> extraTags) {
    SteadySocketMeters meters = named(socketName, extraTags);
    meters.bindTo(registry);
    return meters;
  }

  /**
   * Binds these meters to {@code registry}: the meters of sockets already built are registered now
   * (and count from now), those built later at their {@code build()}. Binding to another registry
   * too registers the meters there as well (as Spring Boot does with a {@link MeterBinder} bean
   * when there are several registries and no composite): every event then updates the meters of
   * each. Binding again to the same registry does nothing.
   *
   * @param registry where the meters go, in addition to the registries bound before
   * @throws RuntimeException what a registry's filter or listener threw while the meters were
   *     registered (then none of them stays in that registry for the socket that failed)
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry == null");
    List<SocketMeters> attach;
    synchronized (lock) {
      for (MeterRegistry bound : registries) if (bound == registry) return;
      registries.add(registry);
      observers.removeIf(o -> o.socket() == null); // collected without being closed
      attach = new ArrayList<>(observers);
    }
    for (SocketMeters m : attach) m.attach(registry, tags);
  }

  /**
   * Called by {@code SteadySocketBuilder.build()}: the observer that feeds {@code socket}'s events
   * to the meters. Not for application code.
   *
   * @param socket the socket being built, kept only weakly
   * @return its observer: fast, non-blocking, and throwing nothing of its own (see Cost above)
   */
  @Override
  public SocketObserver create(SteadySocket socket) {
    SocketMeters observer = new SocketMeters(this, Objects.requireNonNull(socket, "socket == null"));
    List<MeterRegistry> bound;
    synchronized (lock) {
      observers.removeIf(o -> o.socket() == null);
      observers.add(observer);
      bound = new ArrayList<>(registries);
    }
    try {
      for (MeterRegistry registry : bound) observer.attach(registry, tags);
    } catch (RuntimeException | Error e) { // a registry refused a meter: the build fails, nothing stays
      try {
        observer.abandon();
      } catch (RuntimeException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
    return observer;
  }

  /**
   * The name the sockets' meters are tagged with.
   *
   * @return the {@code socket} tag's value
   */
  public String socketName() {
    return socketName;
  }

  /**
   * The tags every meter carries: {@code socket} and the extra tags.
   *
   * @return the common tags; the meters add their own ({@code state}, {@code direction}…)
   */
  public Tags tags() {
    return tags;
  }

  /** A closed socket's observer is forgotten: the next binding leaves it alone. */
  void forget(SocketMeters observer) {
    synchronized (lock) {
      observers.remove(observer);
    }
  }

  /**
   * The name and tags, for logs.
   *
   * @return for example {@code SteadySocketMeters{socket=ticker, tags=[tag(region=eu),tag(socket=ticker)]}}
   */
  @Override
  public String toString() {
    return "SteadySocketMeters{socket=" + socketName + ", tags=" + tags + "}";
  }

  private static String check(String value, String what) {
    if (value.contains("://") || value.indexOf('?') >= 0) {
      throw new IllegalArgumentException(what + " looks like a URL (name the socket, do not tag it with its URL)");
    }
    return value;
  }
}
