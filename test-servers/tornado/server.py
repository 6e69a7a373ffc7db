#!/usr/bin/env python3
"""A Tornado WebSocket server that checks a token in Sec-WebSocket-Protocol, as the Tornado
tutorials do (browsers cannot send an Authorization header on a WebSocket).

    python3 server.py [port]      prints "LISTENING <port>", serves 127.0.0.1 only

/echo  offer "access_token, <token>" (optionally after other subprotocols):
       token "good"  -> 101 with Sec-WebSocket-Protocol: access_token, echoes every text frame
       token "stale" -> 101, then closes with 1008 (policy violation) once open
       any other     -> HTTP 401 on the handshake
A message {"type":"whoami"} is answered with the token the connection was opened with.
The server exits by itself when its stdin closes (the test ended) or after MAX_LIFETIME seconds.
"""
import json
import os
import sys
import threading

import tornado.ioloop
import tornado.web
import tornado.websocket

MAX_LIFETIME = float(os.environ.get("MAX_LIFETIME", "600"))


def offered(request):
    header = request.headers.get("Sec-WebSocket-Protocol", "")
    return [p.strip() for p in header.split(",") if p.strip()]


def token_of(protocols):
    if "access_token" in protocols:
        i = protocols.index("access_token")
        if i + 1 < len(protocols):
            return protocols[i + 1]
    return None


class Echo(tornado.websocket.WebSocketHandler):
    def check_origin(self, origin):
        return True

    async def get(self, *args, **kwargs):
        token = token_of(offered(self.request))
        if token not in ("good", "stale"):
            self.set_status(401)
            self.finish("bad token")
            return
        self.token = token
        await super().get(*args, **kwargs)

    def select_subprotocol(self, subprotocols):
        return "access_token"  # never the token itself

    def open(self):
        if self.token == "stale":
            self.close(1008, "token expired")

    def on_message(self, message):
        try:
            envelope = json.loads(message)
        except ValueError:
            envelope = {}
        if envelope.get("type") == "whoami":
            self.write_message(json.dumps({"type": "whoami", "content": self.token}))
        else:
            self.write_message(message)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    app = tornado.web.Application([(r"/echo", Echo)])
    sockets = tornado.netutil.bind_sockets(port, address="127.0.0.1")
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    print("LISTENING %d" % sockets[0].getsockname()[1], flush=True)
    loop = tornado.ioloop.IOLoop.current()

    def stop_when_stdin_closes():
        sys.stdin.read()
        loop.add_callback(loop.stop)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    loop.call_later(MAX_LIFETIME, loop.stop)
    loop.start()


if __name__ == "__main__":
    import tornado.httpserver
    import tornado.netutil
    main()
