"""TLS servers that cannot agree with a modern client, for the reliability suite.

Usage: server.py CERT_PEM KEY_PEM

Starts, on 127.0.0.1 and ephemeral ports, one listener per scenario and prints
"LISTENING <name> <port>" for each, then "READY". Each connection's outcome is printed as
"CONN <name> <outcome>". Exits when its stdin closes (the test's way of stopping it).

  tls10         OpenSSL limited to TLSv1 (minimum_version = maximum_version = TLSv1, SECLEVEL=0):
                a client offering only TLS 1.2/1.3 gets the fatal alert protocol_version.
  tls10-legacy  the TLSv1-only method (ssl.PROTOCOL_TLSv1) at OpenSSL's default security level:
                OpenSSL 3 answers a TLS 1.2/1.3 ClientHello with the fatal alert internal_error
                (it cannot sign a TLS 1.0 handshake at that level).
  hangup        reads the ClientHello and closes the connection without an alert, as a JDK server
                whose only enabled protocol is disabled does: a peer that hung up mid-handshake.
"""
import os
import socket
import ssl
import sys
import threading
import warnings

warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1 is deprecated: that is the point


def tls10(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1
    ctx.set_ciphers("DEFAULT@SECLEVEL=0")
    ctx.load_cert_chain(cert, key)
    return ctx


def tls10_legacy(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ctx.load_cert_chain(cert, key)
    return ctx


lock = threading.Lock()


def say(line):
    with lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def serve(name, listener, ctx):
    while True:
        conn, _ = listener.accept()
        conn.settimeout(10)
        try:
            if ctx is None:
                hello = conn.recv(16384)
                say("CONN %s hung up after %d bytes" % (name, len(hello)))
            else:
                tls = ctx.wrap_socket(conn, server_side=True)
                say("CONN %s handshake completed: %s" % (name, tls.version()))
                tls.close()
        except Exception as e:  # the handshake is expected to fail: report how
            say("CONN %s %s" % (name, str(e).replace("\n", " ")))
        finally:
            conn.close()


def main():
    cert, key = sys.argv[1], sys.argv[2]
    scenarios = [("tls10", tls10(cert, key)), ("tls10-legacy", tls10_legacy(cert, key)), ("hangup", None)]
    for name, ctx in scenarios:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        threading.Thread(target=serve, args=(name, listener, ctx), daemon=True).start()
        say("LISTENING %s %d" % (name, listener.getsockname()[1]))
    say("READY")
    sys.stdin.read()  # until the test closes it
    os._exit(0)


if __name__ == "__main__":
    main()
