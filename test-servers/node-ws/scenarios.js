#!/usr/bin/env node
// A misbehaving peer for client-core's reliability suite (dev.steadysocket.reliability): Node's
// `ws` speaking the SteadySocket envelope wire format, plus every fault the suite needs from a real
// server. Listens on 127.0.0.1 only and exits by itself (stdin closed, or MAX_LIFETIME_MS).
//
// Usage: node scenarios.js [PORT]         (0 or absent = random; prints "LISTENING <port>" on stdout)
//   env MAX_LIFETIME_MS=N   exit after N ms (default 600000)
//   env VERBOSE=1           log every connection to stderr
//   env DEFLATE=1           accepts permessage-deflate (ws's defaults, which follow the client's
//                           offer) and compresses every message, whatever its size
//   env SINK_LOG=FILE       /sink also appends its SEQ/DUP lines to FILE, synchronously, before it
//                           acks: unlike stdout (asynchronous on a full pipe), the record survives
//                           a SIGKILL
//
// Paths (the mode is chosen per connection by the request path):
//   /echo[?trace=1]         echoes text and binary frames and takes commands (below); with trace=1
//                           prints "HB" on stdout for every heartbeat it answers
//   /sink                   records "SEQ <n>" for every {"type":"seq","content":{"n":N}} (or "DUP <n>"
//                           if this process already had that id) on stdout and in SINK_LOG, prints
//                           "FLUSH <id>" for {"type":"flush","id":ID}; answers envelopes with
//                           meta.ack == true with {"type":"ack","meta":{"replyTo":ID}} after
//                           recording them; echoes nothing
//   /broadcast              every text frame goes to all other /broadcast clients
//   /ticker[?interval=ms]   a {"type":"ticker"} envelope every interval (default 200 ms)
//   /close?code=N[&reason=R][&delay=ms]   opens, then closes with code N
//   /silent                 opens, then stops reading: no pongs, no echoes, TCP kept open (half-open)
//   /destroy[?delay=ms]     opens, then destroys the TCP connection
//   /status/<code>[?retryAfter=S][&times=N][&key=K]
//                           rejects the upgrade with that HTTP status (and Retry-After if given);
//                           with times=N only the first N upgrades per key, later ones become /echo
//   /bad-accept             answers 101 with a wrong Sec-WebSocket-Accept
//   /hang                   accepts the TCP connection and never answers the upgrade
//   /http200                answers 200 OK with a body instead of upgrading
// Every WebSocket mode except /silent echoes {"type":"heartbeat"} envelopes (same id); `ws` itself
// answers pings with pongs.
//
// Commands: an envelope {"type":"system","content":{"command":C,...}} on /echo or /sink:
//   inject {kind}           sends the bad input `kind` (KINDS), then the marker
//                           {"type":"after","content":{"kind":kind}}; TERMINAL_KINDS end the
//                           connection instead, so no marker follows
//   silence                 sends {"type":"silenced"} and then stops reading (half-open)
//   destroy | reset         destroys the TCP connection (FIN | RST)
//   close {code,reason}     starts a close handshake with that code
//   whoami                  answers {"type":"whoami","content":{"authorization":<the header>,
//                           "offered":<Sec-WebSocket-Extensions of the request>,"deflate":<the
//                           permessage-deflate parameters agreed, or null>,"bytesRead":<TCP bytes
//                           read from this client so far>}}
// stdin: the line "drop" destroys every connection; the server exits when stdin closes.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const maxLifetimeMs = Number(process.env.MAX_LIFETIME_MS ?? 600000);
const verbose = process.env.VERBOSE === '1';
const sinkLog = process.env.SINK_LOG ? fs.openSync(process.env.SINK_LOG, 'a') : null;

function log(...args) {
  if (verbose) process.stderr.write(`[scenarios] ${args.join(' ')}\n`);
}

function out(line) {
  process.stdout.write(`${line}\n`);
}

/** A /sink record: durable in SINK_LOG (if set) before anything else happens, then on stdout. */
function record(line) {
  if (sinkLog !== null) fs.writeSync(sinkLog, `${line}\n`);
  out(line);
}

function envelope(type, content, fields = {}) {
  return JSON.stringify({
    id: fields.id ?? crypto.randomUUID(),
    type,
    sender: 'scenarios',
    content: content ?? null,
    timestamp: Date.now(),
  });
}

function parse(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch (e) {
    return null;
  }
}

// ---- raw frames (RFC 6455 section 5.2), for what `ws` refuses to send

const OP = { CONT: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa };

function frame(opcode, payload, { fin = true, rsv = 0, masked = false, declaredLength } = {}) {
  let body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload ?? '', 'utf8');
  const length = declaredLength ?? BigInt(body.length);
  let header;
  if (declaredLength === undefined && body.length < 126) {
    header = Buffer.from([0, body.length]);
  } else if (declaredLength === undefined && body.length < 65536) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(body.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  header[0] = (fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | opcode;
  if (masked) {
    const key = crypto.randomBytes(4);
    header[1] |= 0x80;
    body = Buffer.from(body.map((b, i) => b ^ key[i % 4]));
    header = Buffer.concat([header, key]);
  }
  return Buffer.concat([header, body]);
}

function closePayload(code, reason = '') {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code, 0);
  return Buffer.concat([b, Buffer.from(reason, 'utf8')]);
}

const deep = (n) => '['.repeat(n) + ']'.repeat(n);

// ---- bad input, by kind. Each writes to the connection; TERMINAL kinds end it, so no marker follows.

const KINDS = {
  'malformed-json': (ws) => ws.send('{"type":"chat",,"content":1}'),
  'truncated-json': (ws) => ws.send('{"type":"chat","content":{"text":"hel'),
  'json-array': (ws) => ws.send('[{"type":"chat","content":1}]'),
  'json-number': (ws) => ws.send('42'),
  'json-string': (ws) => ws.send('"chat"'),
  'json-null': (ws) => ws.send('null'),
  'missing-type': (ws) => ws.send('{"id":"m1","content":{"text":"no type"}}'),
  'type-number': (ws) => ws.send('{"type":42,"content":1}'),
  'type-empty': (ws) => ws.send('{"type":"","content":1}'),
  'type-null': (ws) => ws.send('{"type":null,"content":1}'),
  'type-object': (ws) => ws.send('{"type":{"name":"chat"},"content":1}'),
  'content-mismatch': (ws) => ws.send(envelope('point', 'not a point')),
  'content-wrong-field': (ws) => ws.send(envelope('point', { x: 'east', y: 2 })),
  'huge-number': (ws) => ws.send(`{"type":"num","content":${'9'.repeat(1500)}}`),
  'long-number': (ws) => ws.send(`{"type":"num","content":${'9'.repeat(500)}}`),
  'huge-float': (ws) => ws.send('{"type":"num","content":1e999999}'),
  'huge-timestamp': (ws) => ws.send('{"type":"ts","timestamp":1e30}'),
  'deep-nesting': (ws) => ws.send(`{"type":"deep","content":${deep(100000)}}`),
  'deep-nesting-unknown-field': (ws) => ws.send(`{"type":"deep","extra":${deep(100000)}}`),
  'string-20mb': (ws) => ws.send(`{"type":"big","content":"${'x'.repeat(20 * 1024 * 1024)}"}`),
  'envelope-20mb': (ws) =>
    ws.send(JSON.stringify({ type: 'big', content: Array.from({ length: 20 }, () => 'y'.repeat(1024 * 1024)) })),
  binary: (ws) => ws.send(Buffer.from([0, 1, 2, 0xff]), { binary: true }),
  'binary-empty': (ws) => ws.send(Buffer.alloc(0), { binary: true }),
  'invalid-utf8': (ws) =>
    ws._socket.write(
      frame(OP.TEXT, Buffer.concat([
        Buffer.from('{"type":"utf8","content":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}'),
      ])),
    ),
  'unknown-type': (ws) => ws.send(envelope('no-such-type', { a: 1 })),
  'null-fields': (ws) =>
    ws.send('{"id":null,"type":"nulls","sender":null,"receiver":null,"content":null,"timestamp":null,"meta":null}'),
  'duplicate-ids': (ws) => {
    ws.send(envelope('dup', 1, { id: 'dup-1' }));
    ws.send(envelope('dup', 2, { id: 'dup-1' }));
  },
  'duplicate-keys': (ws) => ws.send('{"type":"first","type":"second","content":1}'),
  'timestamp-string': (ws) => ws.send('{"type":"ts","timestamp":"1763700000000"}'),
  'timestamp-float': (ws) => ws.send('{"type":"ts","timestamp":1763700000000.75}'),
  'timestamp-not-a-number': (ws) => ws.send('{"type":"ts","timestamp":"yesterday"}'),
  'empty-text': (ws) => ws.send(''),
  'whitespace-text': (ws) => ws.send('  \n\t '),
  'trailing-data': (ws) => ws.send('{"type":"a"} {"type":"b"}'),
  'id-object': (ws) => ws.send('{"type":"x","id":{"a":1}}'),
  'meta-array': (ws) => ws.send('{"type":"x","meta":[1,2]}'),
  'fragmented-with-ping': (ws) => {
    ws._socket.write(frame(OP.TEXT, '{"type":"frag",', { fin: false }));
    ws._socket.write(frame(OP.PING, 'mid'));
    ws._socket.write(frame(OP.CONT, '"content":', { fin: false }));
    ws._socket.write(frame(OP.CONT, '"abc"}'));
  },
  'ping-storm': (ws) => {
    for (let i = 0; i < 10000; i++) ws.ping();
  },
  'unsolicited-pongs': (ws) => {
    for (let i = 0; i < 100; i++) ws.pong();
  },
};

// Kinds after which the client must drop the connection (protocol errors, EOF): no marker follows.
const TERMINAL_KINDS = {
  'close-on-wire-1005': (ws) => ws._socket.write(frame(OP.CLOSE, closePayload(1005))),
  'close-on-wire-999': (ws) => ws._socket.write(frame(OP.CLOSE, closePayload(999))),
  'rsv1-set': (ws) => ws._socket.write(frame(OP.TEXT, '{"type":"x"}', { rsv: 4 })),
  'unknown-opcode': (ws) => ws._socket.write(frame(0x3, '{"type":"x"}')),
  'masked-frame': (ws) => ws._socket.write(frame(OP.TEXT, '{"type":"x"}', { masked: true })),
  'control-frame-too-big': (ws) => ws._socket.write(frame(OP.PING, Buffer.alloc(200, 0x61))),
  'fragmented-control-frame': (ws) => ws._socket.write(frame(OP.PING, 'x', { fin: false })),
  'continuation-without-start': (ws) => ws._socket.write(frame(OP.CONT, '{"type":"x"}')),
  'length-msb-set': (ws) => ws._socket.write(frame(OP.BINARY, 'x', { declaredLength: 1n << 63n })),
  'declared-1gb-then-eof': (ws) => {
    ws._socket.write(frame(OP.BINARY, 'only ten b', { declaredLength: 1n << 30n }));
    ws._socket.end();
  },
};

// ---- state

const rejections = new Map(); // key -> how many upgrades were rejected so far
const sinkIds = new Set(); // ids /sink has printed, to report re-sends as DUP
const sockets = new Set(); // every TCP socket we were handed (for drop and shutdown)

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: process.env.DEFLATE === '1' ? { threshold: 0 } : false,
});
const server = http.createServer((req, res) => {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only\n');
});

function rejectUpgrade(socket, status, headers = {}) {
  const body = `${status} ${http.STATUS_CODES[status] ?? 'Status'}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Status'}`,
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

server.on('upgrade', (req, socket, head) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', (err) => log(`socket error: ${err.message}`));
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = url.pathname;
  log(`upgrade ${path}`);

  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    const key = url.searchParams.get('key') ?? path;
    const times = Number(url.searchParams.get('times') ?? Infinity);
    const done = rejections.get(key) ?? 0;
    if (done < times) {
      rejections.set(key, done + 1);
      const retryAfter = url.searchParams.get('retryAfter');
      return rejectUpgrade(socket, code, retryAfter !== null ? { 'Retry-After': retryAfter } : {});
    }
  } else if (path === '/hang') {
    return; // never answer; the client's handshake timeout has to end this
  } else if (path === '/http200') {
    return socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n');
  } else if (path === '/bad-accept') {
    return socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${crypto.randomBytes(20).toString('base64')}\r\n\r\n`,
    );
  } else if (!['/echo', '/sink', '/broadcast', '/ticker', '/close', '/silent', '/destroy'].includes(path)) {
    return rejectUpgrade(socket, 404);
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, url));
});

function command(ws, content) {
  switch (content.command) {
    case 'inject': {
      const kind = KINDS[content.kind] ?? TERMINAL_KINDS[content.kind];
      if (!kind) return ws.send(envelope('error', { unknownKind: String(content.kind) }));
      kind(ws);
      if (KINDS[content.kind]) ws.send(envelope('after', { kind: content.kind }));
      return undefined;
    }
    case 'silence':
      ws.send(envelope('silenced', null));
      ws.silent = true;
      return ws._socket.pause();
    case 'destroy':
      return ws._socket.destroy();
    case 'reset':
      return ws._socket.resetAndDestroy();
    case 'close':
      return ws.close(content.code ?? 1000, content.reason ?? '');
    case 'whoami':
      return ws.send(envelope('whoami', {
        authorization: ws.authorization ?? null,
        offered: ws.offered ?? null,
        deflate: ws._extensions['permessage-deflate']?.params ?? null,
        bytesRead: ws._socket.bytesRead,
      }));
    default:
      return ws.send(envelope('error', { unknownCommand: String(content.command) }));
  }
}

wss.on('connection', (ws, req, url) => {
  const mode = url.pathname.startsWith('/status/') ? 'echo' : url.pathname.slice(1);
  const trace = url.searchParams.get('trace') === '1';
  ws.authorization = req.headers.authorization;
  ws.offered = req.headers['sec-websocket-extensions'];
  ws.mode = mode;
  ws.on('error', (err) => log(`ws error: ${err.message}`));

  let timer = null;
  const delay = Number(url.searchParams.get('delay') ?? 0);
  if (mode === 'ticker') {
    const interval = Number(url.searchParams.get('interval') ?? 200);
    timer = setInterval(() => ws.send(envelope('ticker', { symbol: 'ACME', price: 100 + Math.random() })), interval);
  } else if (mode === 'close') {
    const code = Number(url.searchParams.get('code') ?? 1000);
    timer = setTimeout(() => ws.close(code, url.searchParams.get('reason') ?? ''), delay);
  } else if (mode === 'destroy') {
    timer = setTimeout(() => ws._socket.destroy(), delay);
  } else if (mode === 'silent') {
    ws.silent = true;
    ws._socket.pause();
  }
  ws.on('close', () => {
    if (timer) clearTimeout(timer);
  });

  ws.on('message', (data, isBinary) => {
    if (ws.silent) return;
    if (isBinary) {
      if (mode === 'echo') ws.send(data, { binary: true });
      return;
    }
    const text = data.toString('utf8');
    const env = parse(text);
    if (env && env.type === 'heartbeat') {
      if (trace) out('HB');
      ws.send(envelope('heartbeat', null, { id: env.id }));
      return;
    }
    if (env && env.type === 'system' && env.content && typeof env.content === 'object') {
      command(ws, env.content);
      return;
    }
    if (mode === 'sink') {
      if (env && env.type === 'seq') {
        const n = env.content && env.content.n;
        if (env.id && sinkIds.has(env.id)) {
          record(`DUP ${n}`);
        } else {
          if (env.id) sinkIds.add(env.id);
          record(`SEQ ${n}`);
        }
      } else if (env && env.type === 'flush') {
        out(`FLUSH ${env.id}`);
      }
      if (env && env.id && env.meta && env.meta.ack === true) {
        ws.send(JSON.stringify({ type: 'ack', id: crypto.randomUUID(), meta: { replyTo: env.id } }));
      }
    } else if (mode === 'echo') {
      ws.send(text);
    } else if (mode === 'broadcast') {
      for (const client of wss.clients) {
        if (client !== ws && client.mode === 'broadcast' && client.readyState === client.OPEN) client.send(text);
      }
    }
  });
});

server.listen(port, '127.0.0.1', () => out(`LISTENING ${server.address().port}`));
server.on('error', (err) => {
  process.stderr.write(`[scenarios] cannot listen: ${err.message}\n`);
  process.exit(2);
});

function dropAll() {
  for (const socket of sockets) socket.destroy();
}

function shutdown(why) {
  log(`exiting: ${why}`);
  dropAll();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
setTimeout(() => shutdown(`max lifetime ${maxLifetimeMs} ms`), maxLifetimeMs).unref();

let stdinBuffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  stdinBuffer += chunk;
  let newline;
  while ((newline = stdinBuffer.indexOf('\n')) >= 0) {
    const line = stdinBuffer.slice(0, newline).trim();
    stdinBuffer = stdinBuffer.slice(newline + 1);
    if (line === 'drop') dropAll();
  }
});
process.stdin.on('end', () => shutdown('stdin closed'));
process.stdin.on('error', () => shutdown('stdin error'));
