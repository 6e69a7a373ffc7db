#!/usr/bin/env node
// A real WebSocket peer (Node `ws`) that speaks the SteadySocket envelope wire format:
//   {"id","type","sender","receiver","content","timestamp","meta"}   (timestamp: epoch ms)
//
// Usage: node server.js [PORT]            (PORT or env PORT; 0 = random; prints "LISTENING <port>")
//   env TOKEN=secret          reject upgrades without "Authorization: Bearer secret" (HTTP 401)
//   env MAX_LIFETIME_MS=N     exit after N ms (default 300000) so no stray process survives a test run
//   env TICKER_INTERVAL_MS=N  default interval of the ticker mode, and the interval of /feed (default 200)
//   env HISTORY_SIZE=N        entries of the /feed stream kept for resuming clients (default 10000)
//   env RESUME_GRACE_MS=N     how long a /feed client without the resume header may take to send
//                             its resume frame before entries flow live (default 500)
//
// The mode is chosen per connection by the request path:
//   /  or /echo    every text/binary frame is sent back as received
//   /broadcast     every text frame goes to all *other* /broadcast clients (a chat room)
//   /ticker        a {"type":"ticker","content":{"symbol","price","change"}} envelope every
//                  ?interval=MS (default TICKER_INTERVAL_MS); received frames are ignored
//   /feed          a resumable stream shared by all /feed clients: one {"type":"ticker","content":
//                  {"n","symbol","price","change"},"meta":{"stream":"ticker"}} entry every
//                  TICKER_INTERVAL_MS (started by the first /feed client), ids in Redis Streams'
//                  format "<ms>-<seq>"; received frames are ignored (but see below)
// On every path, envelopes of type "heartbeat" are answered with a "heartbeat" envelope carrying
// the same id (WebSocket pings are answered with pongs by `ws` itself).
//
// Delivery guarantees (the README's "Delivery guarantees"), on every path:
//   - an envelope with meta.ack === true and an id is acknowledged with
//     {"type":"ack","meta":{"replyTo":<id>}}; ids are remembered (last 16384), a repeat is
//     acknowledged again but not echoed or broadcast again. ?log=1 prints "RECEIVED <type> <id>"
//     on stdout for each first copy; ?dropBeforeAck=K cuts the connection abruptly instead of
//     acknowledging every K-th first copy (counted per server), so the client must send it again
//   - {"type":"request","id":X} is answered with {"type":"reply","id":"reply-X","meta":{"replyTo":X},
//     "content":<the request's content>} instead of being echoed or broadcast
//   - resume: /feed replays the entries after the client's position for "ticker", taken from the
//     X-SteadySocket-Resume handshake header (JSON {"ticker":"<id>"}) or, without it, from a first
//     {"type":"resume","content":{"ticker":"<id>"}} frame; then it goes live. Without a position:
//     after ?from=<id> if given (?from=0: all that is kept), else live from the connection's start
//
// Setup messages (the README's "Setup messages"), on every path; replies carry meta.replyTo = the id:
//   {"type":"auth","content":{"token":T}}       -> "authenticated", or "error" if env AUTH_TOKEN is
//                                                  set and T differs
//   {"type":"subscribe","content":{"symbol":S}} -> "subscribed" for a ticker symbol, else "error"
//                                                  (content {"reason":"unknown symbol"})
//   {"type":"unsubscribe",...}                  -> no reply
//   ?frames=1 prints "FRAME <connection> <type> <content.symbol|content.n|->" on stdout for every
//   envelope received but heartbeats, connections numbered from 1 in the order they opened
//
// Forcing reconnects (for tests):
//   - an envelope {"type":"system","content":{"command":"drop"}}  -> all connections are cut abruptly
//   - {"type":"system","content":{"command":"close","code":1001,"reason":"bye"}} -> close handshake
//   - the line "drop" on stdin, or SIGUSR2                         -> all connections are cut abruptly
// The server exits when stdin closes (its parent went away) or after MAX_LIFETIME_MS.
'use strict';

const crypto = require('crypto');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const token = process.env.TOKEN || null;
const maxLifetimeMs = Number(process.env.MAX_LIFETIME_MS ?? 300000);
const defaultTickerMs = Number(process.env.TICKER_INTERVAL_MS ?? 200);
const historySize = Number(process.env.HISTORY_SIZE ?? 10000);
const resumeGraceMs = Number(process.env.RESUME_GRACE_MS ?? 500);
const authToken = process.env.AUTH_TOKEN || null;
let connections = 0;

function log(...args) {
  process.stderr.write(`[node-ws] ${args.join(' ')}\n`);
}

function envelope(type, content, fields = {}) {
  return JSON.stringify({
    id: fields.id ?? crypto.randomUUID(),
    type,
    sender: fields.sender ?? 'node-ws',
    receiver: fields.receiver ?? null,
    content: content ?? null,
    timestamp: Date.now(),
    meta: fields.meta ?? {},
  });
}

function out(line) {
  process.stdout.write(`${line}\n`);
}

function reply(request, id) {
  return envelope('reply', request.content ?? null, {
    id: `reply-${id}`, receiver: request.sender ?? null, meta: { replyTo: id },
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

// Ticker prices random-walk in shared state, so all ticker clients see one market.
const prices = { ACME: 100.0, GLOBX: 250.0, INITECH: 42.0, UMBRL: 7.5 };
function tick() {
  const symbols = Object.keys(prices);
  const symbol = symbols[Math.floor(Math.random() * symbols.length)];
  const old = prices[symbol];
  const price = Math.max(0.01, Math.round((old * (1 + (Math.random() - 0.5) * 0.01)) * 100) / 100);
  prices[symbol] = price;
  return { symbol, price, change: Math.round((price - old) * 100) / 100 };
}

// ---- delivery guarantees: stream ids, the resumable /feed stream, acks

// Stream ids as Redis writes them: [ms, seq], compared numerically.
function parseId(text) {
  const m = /^(\d{1,20})(?:-(\d{1,20}))?$/.exec(String(text ?? ''));
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : null;
}
function idAfter(a, b) {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}
function idText(id) {
  return `${id[0]}-${id[1]}`;
}

const feed = {
  history: [], // [{id, text}], oldest first; everything after `floor` is here
  floor: [0, 0],
  head: [0, 0],
  n: 0,
  timer: null,
  live: new Set(), // WebSockets past their replay; ws.feedCursor is the last id each got
  start() {
    if (!this.timer) this.timer = setInterval(() => this.publish(), defaultTickerMs);
  },
  publish() {
    const now = Date.now();
    const id = now > this.head[0] ? [now, 0] : [this.head[0], this.head[1] + 1];
    this.n += 1;
    const text = JSON.stringify({
      id: idText(id), type: 'ticker', sender: 'node-ws', receiver: null,
      content: { n: this.n, ...tick() }, timestamp: now, meta: { stream: 'ticker' },
    });
    const entry = { id, text };
    this.history.push(entry);
    this.head = id;
    if (this.history.length > historySize) this.floor = this.history.shift().id;
    for (const ws of this.live) this.send(ws, entry);
  },
  send(ws, entry) {
    if (idAfter(entry.id, ws.feedCursor) && ws.readyState === ws.OPEN) {
      ws.send(entry.text);
      ws.feedCursor = entry.id;
    }
  },
  // Replays after `after`, then live. Single-threaded: nothing is published in between.
  subscribe(ws, after, source, isResume) {
    ws.feedCursor = after;
    const complete = !idAfter(this.floor, after);
    let replayed = 0;
    for (const entry of this.history) {
      if (idAfter(entry.id, ws.feedCursor)) {
        this.send(ws, entry);
        replayed += 1;
      }
    }
    this.live.add(ws);
    if (isResume) log(`resume ticker after=${idText(after)} replayed=${replayed} complete=${complete} source=${source}`);
  },
};

// Ids of acknowledged messages already received, oldest first (a Map keeps insertion order).
const seen = new Map();
const SEEN_WINDOW = 16384;
let firstCopies = 0;

function positionOf(value) {
  return value && typeof value === 'object' && !Array.isArray(value) ? parseId(value.ticker) : null;
}

// The first frame (or the header, or the grace timer) decides where /feed starts for this client.
function startFeed(ws, position, source) {
  if (ws.feedStarted) return;
  ws.feedStarted = true;
  if (ws.graceTimer) clearTimeout(ws.graceTimer);
  if (position) feed.subscribe(ws, position, source, true);
  else feed.subscribe(ws, ws.feedFrom ?? ws.feedOpenHead, source, false);
}

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  verifyClient: (info, done) => {
    if (token && info.req.headers.authorization !== `Bearer ${token}`) {
      done(false, 401, 'Unauthorized');
    } else {
      done(true);
    }
  },
});

function dropAll() {
  log(`dropping ${wss.clients.size} connection(s)`);
  for (const client of wss.clients) client.terminate();
}

wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'http://localhost');
  const mode = url.pathname === '/' ? 'echo' : url.pathname.slice(1);
  ws.mode = mode;
  log(`connected mode=${mode} clients=${wss.clients.size}`);

  const logReceived = url.searchParams.get('log') === '1';
  const logFrames = url.searchParams.get('frames') === '1';
  connections += 1;
  const connection = connections;
  const dropBeforeAck = Number(url.searchParams.get('dropBeforeAck') ?? 0);

  let ticker = null;
  if (mode === 'ticker') {
    const interval = Number(url.searchParams.get('interval') ?? defaultTickerMs);
    ticker = setInterval(() => ws.send(envelope('ticker', tick())), interval);
  }
  if (mode === 'feed') {
    feed.start();
    ws.feedOpenHead = feed.head;
    ws.feedFrom = url.searchParams.has('from') ? parseId(url.searchParams.get('from')) : null;
    const header = req.headers['x-steadysocket-resume'];
    if (header !== undefined) {
      startFeed(ws, positionOf(parse(header)), 'header');
    } else {
      ws.graceTimer = setTimeout(() => startFeed(ws, null, 'grace'), resumeGraceMs);
    }
  }
  ws.on('close', (code) => {
    if (ticker) clearInterval(ticker);
    if (ws.graceTimer) clearTimeout(ws.graceTimer);
    feed.live.delete(ws);
    log(`disconnected mode=${mode} code=${code}`);
  });
  ws.on('error', (err) => log(`error: ${err.message}`));

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      if (mode === 'echo') ws.send(data, { binary: true });
      return;
    }
    const text = data.toString('utf8');
    const env = parse(text);
    if (mode === 'feed' && !ws.feedStarted) {
      startFeed(ws, env && env.type === 'resume' ? positionOf(env.content) : null, 'frame');
    }
    if (logFrames && env && env.type !== 'heartbeat') {
      const c = env.content && typeof env.content === 'object' ? env.content : {};
      // Client values escaped: one line, no spaces, whatever the client sent.
      out(`FRAME ${connection} ${encodeURIComponent(String(env.type))} ${encodeURIComponent(String(c.symbol ?? c.n ?? '-'))}`);
    }
    if (env && env.type === 'resume') return; // handled above, or too late to matter
    if (env && env.type === 'heartbeat') {
      ws.send(envelope('heartbeat', env.content, { id: env.id, receiver: env.sender ?? null }));
      return;
    }
    if (env && env.type === 'system' && env.content && typeof env.content === 'object') {
      if (env.content.command === 'drop') return dropAll();
      if (env.content.command === 'close') {
        for (const client of wss.clients) client.close(env.content.code ?? 1001, env.content.reason ?? '');
        return;
      }
    }
    const id = env && (typeof env.id === 'string' || typeof env.id === 'number') ? String(env.id) : null;
    if (env && (env.type === 'auth' || env.type === 'subscribe' || env.type === 'unsubscribe')) {
      if (env.type === 'unsubscribe' || id === null) return;
      const c = env.content && typeof env.content === 'object' ? env.content : {};
      let type;
      let content = null;
      if (env.type === 'auth') {
        type = authToken === null || c.token === authToken ? 'authenticated' : 'error';
        if (type === 'error') content = { reason: 'bad token' };
      } else if (Object.prototype.hasOwnProperty.call(prices, c.symbol)) {
        type = 'subscribed';
        content = { symbol: c.symbol, price: prices[c.symbol] };
      } else {
        type = 'error';
        content = { reason: 'unknown symbol', symbol: c.symbol ?? null };
      }
      ws.send(envelope(type, content, { receiver: env.sender ?? null, meta: { replyTo: id } }));
      return;
    }
    if (id !== null && env.meta && env.meta.ack === true) {
      if (seen.has(id)) {
        ws.send(JSON.stringify({ type: 'ack', timestamp: Date.now(), meta: { replyTo: id } }));
        if (env.type === 'request') ws.send(reply(env, id));
        return; // a repeat: acknowledged again, handled once
      }
      seen.set(id, true);
      if (seen.size > SEEN_WINDOW) seen.delete(seen.keys().next().value);
      firstCopies += 1;
      if (logReceived) out(`RECEIVED ${env.type} ${id}`);
      if (dropBeforeAck > 0 && firstCopies % dropBeforeAck === 0) {
        log(`dropping before the ack of ${id}`);
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify({ type: 'ack', timestamp: Date.now(), meta: { replyTo: id } }));
    }
    if (env && env.type === 'request' && id !== null) {
      ws.send(reply(env, id));
      return;
    }
    if (mode === 'echo') {
      ws.send(text);
    } else if (mode === 'broadcast') {
      for (const client of wss.clients) {
        if (client !== ws && client.mode === 'broadcast' && client.readyState === client.OPEN) client.send(text);
      }
    }
  });
});

wss.on('listening', () => {
  process.stdout.write(`LISTENING ${wss.address().port}\n`);
});

function shutdown(why) {
  log(`exiting: ${why}`);
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}

process.on('SIGUSR2', dropAll);
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
