#!/usr/bin/env node
// A real WebSocket peer (Node `ws`) that speaks the SteadySocket envelope wire format:
//   {"id","type","sender","receiver","content","timestamp","meta"}   (timestamp: epoch ms)
//
// Usage: node server.js [PORT]            (PORT or env PORT; 0 = random; prints "LISTENING <port>")
//   env TOKEN=secret          reject upgrades without "Authorization: Bearer secret" (HTTP 401)
//   env MAX_LIFETIME_MS=N     exit after N ms (default 300000) so no stray process survives a test run
//   env TICKER_INTERVAL_MS=N  default interval of the ticker mode (default 200)
//
// The mode is chosen per connection by the request path:
//   /  or /echo    every text/binary frame is sent back as received
//   /broadcast     every text frame goes to all *other* /broadcast clients (a chat room)
//   /ticker        a {"type":"ticker","content":{"symbol","price","change"}} envelope every
//                  ?interval=MS (default TICKER_INTERVAL_MS); received frames are ignored
// On every path, envelopes of type "heartbeat" are answered with a "heartbeat" envelope carrying
// the same id (WebSocket pings are answered with pongs by `ws` itself).
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

  let ticker = null;
  if (mode === 'ticker') {
    const interval = Number(url.searchParams.get('interval') ?? defaultTickerMs);
    ticker = setInterval(() => ws.send(envelope('ticker', tick())), interval);
  }
  ws.on('close', (code) => {
    if (ticker) clearInterval(ticker);
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
