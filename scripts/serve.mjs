// @ts-check
// The production server (`npm start` runs it after building): Next.js's request handler behind a plain Node.js
// HTTP server, so that the app learns who its client is from the connection itself. Route handlers never see the
// socket; this entry does, and hands the app one trustworthy X-Forwarded-For: the TCP peer's address, or, behind
// TRUST_PROXY_HOPS trusted proxies, the address the outermost of them saw. Whatever a client writes in
// X-Forwarded-For itself is never believed beyond that. Plain JavaScript: it runs on `node`, outside the app's
// bundle, and so can be profiled (`node --cpu-prof scripts/serve.mjs`).
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
 * Each trusted proxy appends the address it received the request from to X-Forwarded-For, and the last one is
 * our TCP peer. So with N trusted proxies the client is the Nth entry from the right; entries further left were
 * written by the client and prove nothing. Without a proxy (N = 0) the client is the peer itself.
 * @param {import("node:http").IncomingMessage} request
 */
function clientAddressOf(request) {
  const peer = (request.socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
  if (trustedProxies === 0) return peer;
  const forwarded = [request.headers["x-forwarded-for"] ?? []]
    .flat()
    .join(",")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request did not come through all of them; the leftmost is the best known.
  return forwarded[Math.max(0, forwarded.length - trustedProxies)] ?? peer;
}

/**
 * The last entry of a header a proxy appends to (X-Forwarded-Proto may come as "https, http" through two of them).
 * @param {string | string[] | undefined} value
 */
function lastEntry(value) {
  return [value ?? []].flat().join(",").split(",").map((entry) => entry.trim()).filter(Boolean).at(-1);
}

/**
 * The scheme and host the client addressed, for the app's same-origin checks: the Host header (a proxy passes it on,
 * `proxy_set_header Host $host`), and http unless a trusted proxy says the client used https. Whatever a client
 * writes in X-Forwarded-Host or -Proto itself is replaced.
 * @param {import("node:http").IncomingMessage} request
 */
function setForwardedOrigin(request) {
  const proto = trustedProxies > 0 ? lastEntry(request.headers["x-forwarded-proto"]) : undefined;
  request.headers["x-forwarded-proto"] = proto === "https" ? "https" : "http";
  if (request.headers.host) request.headers["x-forwarded-host"] = request.headers.host;
  else delete request.headers["x-forwarded-host"];
}

/**
 * Pages take no request bodies: every form posts to /api, whose routes read bodies within their own limit. Next.js
 * would otherwise read (and, for its proxy, copy) up to 10 MB of whatever a POST to a page carries.
 * @param {import("node:http").IncomingMessage} request
 */
function refusesBody(request) {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return false;
  return !(request.url ?? "/").startsWith("/api/");
}

/**
 * @param {import("node:http").ServerResponse} response
 * @param {number} status
 * @param {string} code
 * @param {string} title
 * @param {string} detail
 */
function problem(response, status, code, title, detail, allow = "GET, HEAD") {
  response.writeHead(status, { "content-type": "application/problem+json", "cache-control": "no-store", ...(status === 405 ? { allow } : {}) });
  response.end(JSON.stringify({ type: `urn:problem:${code}`, title, status, detail, code }));
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

const server = createServer((request, response) => {
  if (!KNOWN_METHODS.has(request.method ?? "")) {
    request.resume();
    problem(response, 405, "method_not_allowed", "Method not allowed", "This server does not support this HTTP method.", [...KNOWN_METHODS].join(", "));
    return;
  }
  if (!hasDecodablePath(request)) {
    request.resume();
    problem(response, 400, "bad_request", "Bad request", "The address has a malformed percent-encoding.");
    return;
  }
  if (refusesBody(request)) {
    // Answered at once; whatever body follows is read and dropped as it comes, never kept.
    request.resume();
    problem(response, 405, "method_not_allowed", "Method not allowed", "Pages are only read (GET); forms post to the API.");
    return;
  }
  // During a shutdown every answer closes its connection, so keep-alive clients move to another instance.
  if (shuttingDown) response.setHeader("connection", "close");
  inFlight.add(response);
  response.once("close", () => inFlight.delete(response));
  request.headers["x-forwarded-for"] = clientAddressOf(request);
  setForwardedOrigin(request);
  dropCallbackUrlCookie(request);
  handle(request, response).catch((/** @type {unknown} */ error) => {
    console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", message: "request handler failed", error: String(error) }));
    if (response.headersSent) response.end();
    else problem(response, 500, "internal_error", "Internal server error", "An unexpected error occurred.");
  });
}).listen(port, hostname, () => {
  console.error(JSON.stringify({ time: new Date().toISOString(), level: "info", message: `ready on http://${hostname}:${port}`, trustedProxies }));
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
  console.error(JSON.stringify({ time: new Date().toISOString(), level: "info", message: `${signal}: finishing the requests in flight, then exiting` }));
  for (const response of inFlight) if (!response.headersSent) response.setHeader("connection", "close");
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
}
process.on("SIGTERM", shutDown);
process.on("SIGINT", shutDown);
