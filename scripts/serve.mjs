// @ts-check
// The production server (`npm start` runs it after building): Next.js's request handler behind a plain Node.js
// HTTP server, so that the app learns who its client is from the connection itself. Route handlers never see the
// socket; this entry does, and hands the app one trustworthy X-Forwarded-For: the TCP peer's address, or, behind
// TRUST_PROXY_HOPS trusted proxies, the address the outermost of them saw. Whatever a client writes in
// X-Forwarded-For itself is never believed beyond that. Plain JavaScript: it runs on `node`, outside the app's
// bundle, and so can be profiled (`node --cpu-prof scripts/serve.mjs`).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

import next from "next";

const { values } = parseArgs({ options: { port: { type: "string" }, hostname: { type: "string" } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME ?? "0.0.0.0";

const hops = process.env.TRUST_PROXY_HOPS?.trim() || "0";
if (!/^\d{1,2}$/.test(hops)) {
  console.error(`Refusing to start: TRUST_PROXY_HOPS must be a whole number of proxies (0 without one), not "${hops}"`);
  process.exit(1);
}
const trustedProxies = Number(hops);

/**
 * One JSON line on stderr, as every line this server writes.
 * @param {"info" | "warn" | "error"} level
 * @param {string} message
 * @param {Record<string, unknown>} [fields]
 */
function log(level, message, fields = {}) {
  console.error(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
}

/**
 * A whole number from the environment, or `fallback` when it is unset; refuses to start on anything else.
 * @param {string} name
 * @param {number} fallback
 */
function wholeNumberFromEnv(name, fallback) {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) === 0) {
    console.error(`Refusing to start: ${name} must be a positive whole number, not "${value}"`);
    process.exit(1);
  }
  return Number(value);
}

/**
 * The most files this process may have open, sockets included ("Max open files" in /proc/self/limits: Node.js has
 * already raised its soft limit to the hard one). Where /proc is missing (macOS), 1024, the common default.
 */
function descriptorLimit() {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return 1024;
}

/**
 * Descriptors kept for everything but client connections: the database (a pool of 14 on PostgreSQL; SQLite's file,
 * journal and shared memory), outbound SMTP, the mail outbox's files, the code and fonts read at run time.
 */
const RESERVED_DESCRIPTORS = 256;
const openFiles = descriptorLimit();
/**
 * The connections this server holds at once, in all. Half of what the reserve leaves, because a connection may
 * hold a second descriptor: Next.js sends a static file (`/_next/static/…`) from disk, a descriptor per answer.
 */
const maxConnections = wholeNumberFromEnv(
  "CONNECTIONS_MAX",
  Math.max(1, Math.floor((openFiles - RESERVED_DESCRIPTORS) / 2)),
);
if (maxConnections > openFiles - RESERVED_DESCRIPTORS) {
  console.error(
    `Refusing to start: CONNECTIONS_MAX=${maxConnections} leaves fewer than ${RESERVED_DESCRIPTORS} of the ${openFiles} open files this process may have`,
  );
  process.exit(1);
}
/**
 * The connections one client address holds at once (and, behind a proxy, its requests in flight): room for the
 * members of a coworking space behind one NAT address, twenty browsers of six connections each.
 */
const maxConnectionsPerClient = wholeNumberFromEnv("CONNECTIONS_PER_CLIENT", 128);
/** How long a connection may take to send a request's headers: a browser sends them in one packet. */
const headersTimeoutMs = wholeNumberFromEnv("HEADERS_TIMEOUT_MS", 10_000);
/** How long a connection may stay open without a request, after an answer. */
const keepAliveTimeoutMs = wholeNumberFromEnv("KEEP_ALIVE_TIMEOUT_MS", 5_000);
/** How long a whole request (headers and body, at most 64 KB of it) may take to arrive. */
const REQUEST_TIMEOUT_MS = Math.max(30_000, headersTimeoutMs);
/** A connection on which nothing moved for this long (a client that stopped reading its answer) is dropped. */
const STALLED_CONNECTION_MS = 60_000;
/**
 * How often Node.js looks for connections past the headers and request timeouts: only then are they dropped
 * (every 30 s by default, so a 10 s timeout dropped a connection after 10 to 40 s).
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * The TCP peer's address, an IPv4 one without its IPv6 prefix (`::ffff:`).
 * @param {import("node:net").Socket} socket
 */
function peerAddressOf(socket) {
  return (socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
}

/**
 * Each trusted proxy appends the address it received the request from to X-Forwarded-For, and the last one is
 * our TCP peer. So with N trusted proxies the client is the Nth entry from the right; entries further left were
 * written by the client and prove nothing. Without a proxy (N = 0) the client is the peer itself.
 * @param {import("node:http").IncomingMessage} request
 */
function clientAddressOf(request) {
  const peer = peerAddressOf(request.socket);
  if (trustedProxies === 0) return peer;
  const forwarded = headerEntries(request.headers["x-forwarded-for"]);
  // Fewer entries than proxies: the request did not come through all of them; the leftmost is the best known.
  return forwarded[Math.max(0, forwarded.length - trustedProxies)] ?? peer;
}

/**
 * The comma-separated entries of a header proxies append to, in order, over however many lines it came in
 * (X-Forwarded-For: "client, proxy1"; X-Forwarded-Proto: "https, http" through two proxies).
 * @param {string | string[] | undefined} value
 * @returns {string[]}
 */
function headerEntries(value) {
  return [value ?? []]
    .flat()
    .join(",")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * The scheme and host the client addressed, for the app's same-origin checks: the Host header (a proxy passes it on,
 * `proxy_set_header Host $host`), and http unless a trusted proxy says the client used https. Whatever a client
 * writes in X-Forwarded-Host or -Proto itself is replaced.
 * @param {import("node:http").IncomingMessage} request
 */
function setForwardedOrigin(request) {
  const proto = trustedProxies > 0 ? headerEntries(request.headers["x-forwarded-proto"]).at(-1) : undefined;
  request.headers["x-forwarded-proto"] = proto === "https" ? "https" : "http";
  if (request.headers.host) request.headers["x-forwarded-host"] = request.headers.host;
  else delete request.headers["x-forwarded-host"];
}

/**
 * Whether the request line names a path (origin form: `GET /checkout`). The absolute form (`GET http://host/x`) is
 * for proxies, which this server is not, and Next.js answered it with a redirect to whatever host it named; the
 * asterisk form (`OPTIONS *`) made it throw a 500.
 * @param {import("node:http").IncomingMessage} request
 */
function hasOriginFormTarget(request) {
  return (request.url ?? "").startsWith("/");
}

/**
 * Pages take no request bodies: every form posts to /api, whose routes read bodies within their own limit. Next.js
 * would otherwise read (and, for its proxy, copy) up to 10 MB of whatever a request to a page carries — a POST, or
 * an OPTIONS or GET that comes with a body. So outside /api only a GET, HEAD or OPTIONS without one is let through.
 * @param {import("node:http").IncomingMessage} request
 */
function refusesBody(request) {
  if ((request.url ?? "/").startsWith("/api/")) return false;
  const bodiless = request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS";
  const hasBody =
    request.headers["transfer-encoding"] !== undefined || Number(request.headers["content-length"] ?? 0) > 0;
  return !bodiless || hasBody;
}

/**
 * @param {import("node:http").ServerResponse} response
 * @param {number} status
 * @param {string} code
 * @param {string} title
 * @param {string} detail
 */
function problem(response, status, code, title, detail, allow = "GET, HEAD") {
  response.writeHead(status, {
    "content-type": "application/problem+json",
    "cache-control": "no-store",
    ...(status === 405 ? { allow } : {}),
  });
  response.end(JSON.stringify({ type: `urn:problem:${code}`, title, status, detail, code }));
}

/**
 * Whether the path has a `.` or `..` segment, percent-encoded or not. Browsers resolve them before they ask; Next.js
 * resolves them after this server has decided (`POST /api/../checkout` would reach a page, with its body, past the
 * rule that pages take none), so a path that still has one is refused.
 * @param {import("node:http").IncomingMessage} request
 */
function hasDotSegment(request) {
  const url = request.url ?? "/";
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  return path.split(/\/|\\|%2f|%5c/i).some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

/**
 * Whether the request's path decodes: Next.js answers a malformed percent-encoding (`/api/%`, `/x/%E0%A4%A`) with a
 * bare 500 it never logs, for what is the client's mistake.
 * @param {import("node:http").IncomingMessage} request
 */
function hasDecodablePath(request) {
  const url = request.url ?? "/";
  const end = url.search(/[?#]/);
  try {
    decodeURIComponent(end === -1 ? url : url.slice(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * next-auth's callback-URL cookie, dropped from every request (pages read the session through next-auth too): it checks the cookie and answers
 * a bad one with a 500, and the app never sends anyone to a callback URL (its pages navigate themselves), so a cookie
 * someone else planted (a sibling subdomain, a network attacker over http) must not break sign-in.
 * @param {import("node:http").IncomingMessage} request
 */
function dropCallbackUrlCookie(request) {
  const cookie = request.headers.cookie;
  if (!cookie) return;
  const kept = cookie
    .split(";")
    .filter((pair) => !/^(__Secure-)?next-auth\.callback-url$/.test(pair.split("=")[0]?.trim() ?? ""))
    .join(";");
  if (kept.trim()) request.headers.cookie = kept;
  else delete request.headers.cookie;
}

/** Set on SIGTERM or SIGINT (below). */
let shuttingDown = false;
/** The responses not yet finished: at a shutdown, each is told to close its connection once it is sent. */
const inFlight = new Set();

const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

/** The methods Next.js's route handlers know; any other (TRACE, CONNECT, …) made it throw a logged 500. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Refusals by reason: the count and the latest address since the last line logged for that reason. */
const unlogged = new Map();
/** At most one log line per reason this often, so that a flood does not flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Logs a refused or shed connection: the first of a reason at once, the rest as one line per interval with how
 * many there were.
 * @param {string} reason
 * @param {string} address
 */
function noteRefusal(reason, address) {
  const pending = unlogged.get(reason);
  if (pending) {
    pending.count++;
    pending.address = address;
    return;
  }
  log("warn", "connection refused", { reason, count: 1, address });
  holdRefusalsOf(reason);
}

/** @param {string} reason */
function holdRefusalsOf(reason) {
  const pending = { count: 0, address: "" };
  unlogged.set(reason, pending);
  setTimeout(() => {
    unlogged.delete(reason);
    if (pending.count === 0) return;
    log("warn", "connection refused", {
      reason,
      count: pending.count,
      address: pending.address,
      seconds: REFUSAL_LOG_INTERVAL_MS / 1000,
    });
    holdRefusalsOf(reason);
  }, REFUSAL_LOG_INTERVAL_MS).unref();
}

/** Each open connection's TCP peer. */
const peerOf = new Map();
/** Open connections per TCP peer. */
const connectionsOf = new Map();
/**
 * The connections waiting for a request's headers — just opened, or idle after an answer — the longest-waiting
 * first (a Set iterates in insertion order, and a connection rejoins at the end after each answer).
 */
const waiting = new Set();
/**
 * Requests in flight per client address (after the trusted proxies). Behind a proxy, which opens a connection to us
 * per request in flight, that is the client's connections; without one, the connections per peer are capped first.
 */
const requestsOf = new Map();

/**
 * @param {Map<string, number>} counts
 * @param {string} key
 * @param {number} delta
 */
function count(counts, key, delta) {
  const value = (counts.get(key) ?? 0) + delta;
  if (value > 0) counts.set(key, value);
  else counts.delete(key);
}

/** @param {import("node:net").Socket} socket */
function forget(socket) {
  const peer = peerOf.get(socket);
  if (peer === undefined) return;
  peerOf.delete(socket);
  waiting.delete(socket);
  count(connectionsOf, peer, -1);
}

/**
 * At the total cap, closes the connection that has waited longest for its headers, so a new one can be served:
 * a slow client loses its place before a request that arrives whole does. False when every connection is busy.
 */
function shedLongestWaiting() {
  const [longest] = waiting;
  if (!longest) return false;
  noteRefusal("total connections: shed the longest waiting", peerOf.get(longest) ?? "unknown");
  forget(longest);
  longest.destroy();
  return true;
}

/**
 * Admits a new connection, or closes it at once (no request has been read to answer). The per-address cap counts
 * TCP peers, so it applies only without a proxy: behind one, every connection is the proxy's, and clients are
 * told apart only once their headers arrive (requestsOf).
 * @param {import("node:net").Socket} socket
 */
function admit(socket) {
  const peer = peerAddressOf(socket);
  if (trustedProxies === 0 && (connectionsOf.get(peer) ?? 0) >= maxConnectionsPerClient) {
    noteRefusal("connections per client address", peer);
    socket.destroy();
    return;
  }
  if (peerOf.size >= maxConnections && !shedLongestWaiting()) {
    noteRefusal("total connections, none waiting to shed", peer);
    socket.destroy();
    return;
  }
  peerOf.set(socket, peer);
  count(connectionsOf, peer, 1);
  waiting.add(socket);
  socket.once("close", () => forget(socket));
}

/**
 * A request's headers arrived: its connection is no longer waiting, until its answer is sent.
 * @param {import("node:http").IncomingMessage} request
 * @param {import("node:http").ServerResponse} response
 */
function markBusy(request, response) {
  const socket = request.socket;
  waiting.delete(socket);
  response.once("finish", () => {
    if (peerOf.has(socket)) waiting.add(socket);
  });
}

/**
 * Requests a connection sent before the answer to its previous one (HTTP/1.1 pipelining), waiting their turn. Node.js
 * hands every request it has parsed to the app at once, so one connection could have a hundred in flight, past
 * every cap on connections; served one at a time, a connection costs at most one request's work, and the requests
 * still queued when it closes are never served at all.
 * @type {WeakMap<import("node:net").Socket, (() => void)[]>}
 */
const queuedOn = new WeakMap();
/** The connections with a request being served. @type {WeakSet<import("node:net").Socket>} */
const serving = new WeakSet();
/** Requests one connection may queue behind the one being served; a client that sends more is cut off. */
const MAX_QUEUED_PER_CONNECTION = 16;

/**
 * Serves the request now, or after the answers to the ones before it on its connection.
 * @param {import("node:http").IncomingMessage} request
 * @param {import("node:http").ServerResponse} response
 * @param {(request: import("node:http").IncomingMessage, response: import("node:http").ServerResponse) => void} serve
 */
function inTurn(request, response, serve) {
  const socket = request.socket;
  const start = () => {
    serving.add(socket);
    response.once("close", () => {
      serving.delete(socket);
      const next = queuedOn.get(socket)?.shift();
      if (next && !socket.destroyed) next();
    });
    serve(request, response);
  };
  if (!serving.has(socket)) return start();
  const queue = queuedOn.get(socket) ?? [];
  if (queue.length >= MAX_QUEUED_PER_CONNECTION) {
    noteRefusal("pipelined requests per connection", peerOf.get(socket) ?? "unknown");
    socket.destroy();
    return;
  }
  queue.push(start);
  queuedOn.set(socket, queue);
}

/**
 * @param {string} detail
 */
const badRequest = (detail) => ({ status: 400, code: "bad_request", title: "Bad request", detail });

/**
 * What this server answers itself before Next.js sees the request, or null to hand it on: each a client's mistake
 * that Next.js would answer badly (a logged 500, a redirect to another site, a body read into memory).
 * @param {import("node:http").IncomingMessage} request
 * @returns {{ status: number, code: string, title: string, detail: string, allow?: string } | null}
 */
function refusalOf(request) {
  if (!KNOWN_METHODS.has(request.method ?? "")) {
    const detail = "This server does not support this HTTP method.";
    return {
      status: 405,
      code: "method_not_allowed",
      title: "Method not allowed",
      detail,
      allow: [...KNOWN_METHODS].join(", "),
    };
  }
  if (!hasOriginFormTarget(request)) {
    return badRequest("The request line must name a path on this server (GET /checkout), not another address.");
  }
  if (!hasDecodablePath(request)) return badRequest("The address has a malformed percent-encoding.");
  if (hasDotSegment(request))
    return badRequest("The address has a . or .. segment; ask for the address it stands for.");
  if (refusesBody(request)) {
    const detail = "Pages are only read (GET); forms post to the API.";
    return { status: 405, code: "method_not_allowed", title: "Method not allowed", detail };
  }
  return null;
}

/**
 * @param {import("node:http").IncomingMessage} request
 * @param {import("node:http").ServerResponse} response
 */
function serveRequest(request, response) {
  markBusy(request, response);
  const refusal = refusalOf(request);
  if (refusal) {
    // Answered at once; whatever body follows is read and dropped as it comes, never kept.
    request.resume();
    problem(response, refusal.status, refusal.code, refusal.title, refusal.detail, refusal.allow);
    return;
  }
  const client = clientAddressOf(request);
  if ((requestsOf.get(client) ?? 0) >= maxConnectionsPerClient) {
    request.resume();
    noteRefusal("requests in flight per client address", client);
    // The client's own limit, told as the app tells its others (its pages wait and ask again), not as a 503 that
    // would read as this instance being down.
    response.setHeader("retry-after", "1");
    problem(
      response,
      429,
      "rate_limited",
      "Too many attempts",
      "Too many requests at once from this address. Wait a moment and try again.",
    );
    return;
  }
  count(requestsOf, client, 1);
  response.once("close", () => count(requestsOf, client, -1));
  // During a shutdown every answer closes its connection, so keep-alive clients move to another instance.
  if (shuttingDown) response.setHeader("connection", "close");
  inFlight.add(response);
  response.once("close", () => inFlight.delete(response));
  request.headers["x-forwarded-for"] = client;
  setForwardedOrigin(request);
  dropCallbackUrlCookie(request);
  handle(request, response).catch((/** @type {unknown} */ error) => {
    log("error", "request handler failed", { error: String(error) });
    if (response.headersSent) response.end();
    else problem(response, 500, "internal_error", "Internal server error", "An unexpected error occurred.");
  });
}

const server = createServer(
  {
    headersTimeout: headersTimeoutMs,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  },
  (request, response) => inTurn(request, response, serveRequest),
);
server.keepAliveTimeout = keepAliveTimeoutMs;
server.timeout = STALLED_CONNECTION_MS;
server.on("connection", admit);
server.listen(port, hostname, () => {
  log("info", `ready on http://${hostname}:${port}`, {
    trustedProxies,
    maxConnections,
    maxConnectionsPerClient,
    openFiles,
    headersTimeoutMs,
    keepAliveTimeoutMs,
  });
});

/** Longest a shutdown waits for requests in flight. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * SIGTERM (an orchestrator rolling out) or SIGINT: stop accepting connections, close the idle ones, answer the
 * requests in flight with `Connection: close` (and any that still arrive on an open connection), and exit
 * normally once every connection has closed — at most SHUTDOWN_GRACE_MS later — which also writes a `--cpu-prof`
 * profile. A second signal (one sent to the process group reaches `npm start` too, which passes it on) changes nothing.
 * @param {string} signal
 */
function shutDown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  log("info", `${signal}: finishing the requests in flight, then exiting`);
  for (const response of inFlight) if (!response.headersSent) response.setHeader("connection", "close");
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
}
process.on("SIGTERM", shutDown);
process.on("SIGINT", shutDown);
