package dev.steadysocket.internal;

import dev.steadysocket.SocketObserver.Phase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.SocketFactory;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Times the phases of an attempt on the OkHttp client a socket derives, because OkHttp reports
 * none for a WebSocket call (it builds the call with {@code EventListener.NONE}; okhttp#8037):
 *
 * <ul>
 *   <li>DNS: around the client's own {@link Dns}, whatever it is;
 *   <li>CONNECT: around {@link Socket#connect} of the sockets it creates, when the client uses the
 *       default socket factory (an application's own factory, an Android {@code Network}'s for
 *       one, is left alone: its sockets may be of a class we must not replace);
 *   <li>TLS: from the TCP connect's end to the upgrade request's {@link Response#sentRequestAtMillis()},
 *       wall-clock milliseconds as OkHttp records them (a proxy's CONNECT tunnel is inside it);
 *   <li>UPGRADE: from {@link Response#sentRequestAtMillis()} to {@link Response#receivedResponseAtMillis()}.
 * </ul>
 *
 * <p><b>Threading:</b> OkHttp's threads running the attempt's call: its dispatcher thread, and for a
 * TCP connect under fast fallback a TaskRunner thread (racing addresses connect at once). A socket
 * has one attempt at a time (an abandoned one may still be connecting: its phases may then be
 * reported beside the next's). The observers hear of each phase there, synchronously. The TLS
 * figure is approximate where connects race or an abandoned attempt's connect ends late: {@link
 * #connectedAtMillis} is the socket's last connect end, whichever attempt or address it was.
 */
final class AttemptPhases {
  private final Events events;
  private final LongSupplier clock;
  /** When the last TCP connect ended (wall-clock ms), or -1; written by the connecting threads, read by the call's. */
  private volatile long connectedAtMillis = -1;

  AttemptPhases(Events events, LongSupplier clock) {
    this.events = events;
    this.clock = clock;
  }

  /** Wraps {@code base}'s DNS, and its socket factory if it is the default, on the derived client {@code b}. */
  void install(OkHttpClient base, OkHttpClient.Builder b) {
    Dns dns = base.dns();
    b.dns(new Dns() {
      @Override
      public List<InetAddress> lookup(String hostname) throws java.net.UnknownHostException {
        long started = clock.getAsLong();
        List<InetAddress> addresses = dns.lookup(hostname);
        events.phaseEnded(Phase.DNS, clock.getAsLong() - started);
        return addresses;
      }

      @Override
      public String toString() {
        return "SteadySocket(timed " + dns + ")";
      }
    });
    if (base.socketFactory() == SocketFactory.getDefault()) b.socketFactory(new TimedSockets());
  }

  /** The attempt's upgrade request was answered (any status): its TLS and upgrade phases. */
  void answered(Response response) {
    long connected = connectedAtMillis;
    connectedAtMillis = -1;
    long sent = response.sentRequestAtMillis();
    if (response.handshake() != null && connected != -1 && sent >= connected) {
      events.phaseEnded(Phase.TLS, TimeUnit.MILLISECONDS.toNanos(sent - connected));
    }
    long received = response.receivedResponseAtMillis();
    if (received >= sent) events.phaseEnded(Phase.UPGRADE, TimeUnit.MILLISECONDS.toNanos(received - sent));
  }

  /** The default factory's sockets, with {@code connect} timed. */
  private final class TimedSockets extends SocketFactory {
    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
          long started = clock.getAsLong();
          super.connect(endpoint, timeout);
          connectedAtMillis = System.currentTimeMillis();
          events.phaseEnded(Phase.CONNECT, clock.getAsLong() - started);
        }
      };
    }

    // OkHttp creates unconnected sockets only; these complete the SocketFactory contract.
    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return SocketFactory.getDefault().createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return SocketFactory.getDefault().createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return SocketFactory.getDefault().createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return SocketFactory.getDefault().createSocket(address, port, localAddress, localPort);
    }
  }
}
