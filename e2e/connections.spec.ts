import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { endpoints } from "../lib/api/endpoints";
import { createDatabase, residentBytes, startBuiltServer, type BuiltServer, type TestDatabase } from "./built-server";
import { expect, test } from "./fixtures";
import { paidCheckoutBody } from "./traffic";

/**
 * Connection floods, slow readers and odd request lines, against the built server (scripts/serve.mjs) under a
 * limit of 1024 open files, so that a couple of thousand connections from this machine exhaust it as some 20 000
 * exhaust a production server's. From that limit the server derives its defaults: (1024 - 256 kept for the
 * database, files and mail) / 2 = 384 connections in all, and 128 per client address.
 */
const PORT = 3412;
const DESCRIPTOR_LIMIT = 1024;
const PER_CLIENT_CAP = 128;
const MB = 1024 * 1024;

let database: TestDatabase;
let server: BuiltServer;
let productId: number;

test.describe.configure({ mode: "serial", timeout: 30_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await createDatabase("sqlite", "connections");
  server = await startBuiltServer({ database, port: PORT, descriptorLimit: DESCRIPTOR_LIMIT });
  const [product] = await database.rows<{ id: number }>(`SELECT "id" FROM "Product" ORDER BY "id" LIMIT 1`);
  productId = Number(product!.id);
  // The routes are loaded once, as by the first visitors: what is timed below is answering, not loading code.
  await expectServedFrom("127.0.0.2");
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

interface Answer {
  status: number;
  milliseconds: number;
}

/** One request on a connection of its own from `localAddress` (a loopback address: 127.x.y.z); 0 without an answer in 5 s. */
function timedRequest(url: string, localAddress: string, body?: unknown): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const request = httpRequest(url, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      localAddress,
      agent: false,
      timeout: 5000,
    });
    request.on("response", (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, milliseconds: Date.now() - started }));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve({ status: 0, milliseconds: Date.now() - started }));
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Health and a paid checkout from `localAddress`, each answered in full within a second. */
async function expectServedFrom(localAddress: string): Promise<void> {
  const health = await timedRequest(`${server.baseUrl}/api/health`, localAddress);
  expect(health.status, `/api/health (${health.milliseconds} ms)`).toBe(200);
  expect(health.milliseconds, "/api/health").toBeLessThan(1000);
  const checkout = await timedRequest(
    `${server.baseUrl}${endpoints.checkout.place().url}`,
    localAddress,
    paidCheckoutBody({ productId, email: `flood-${randomUUID()}@example.com` }),
  );
  expect(checkout.status, `checkout (${checkout.milliseconds} ms)`).toBe(200);
  expect(checkout.milliseconds, "checkout").toBeLessThan(1000);
}

interface FloodStatus {
  open: number;
  dropped: number;
  settled: boolean;
}

/** e2e/trickle.mjs in a process of its own: slow-loris connections from `addresses`, `perAddress` from each. */
function trickle(options: { addresses: string[]; perAddress: number; reopenAfterMs?: number }) {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, "trickle.mjs"), JSON.stringify({ port: PORT, ...options })],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let status: FloodStatus = { open: 0, dropped: 0, settled: false };
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split("\n");
    pending = lines.pop()!;
    if (lines.length) status = JSON.parse(lines.at(-1)!) as FloodStatus;
  });
  return {
    status: () => status,
    /** Until every connection was opened once (or was refused), for at most 10 s: a server out of descriptors never settles. */
    async settled(): Promise<void> {
      for (const deadline = Date.now() + 10_000; !status.settled && Date.now() < deadline;) await sleep(100);
    },
    stop: () => child.kill(),
  };
}

test("one address holding more connections than its cap is refused the rest; other addresses' health and checkouts answer within a second", async () => {
  const flood = trickle({ addresses: ["127.0.0.1"], perAddress: DESCRIPTOR_LIMIT + 100 });
  try {
    await flood.settled();
    await sleep(1000);
    expect(flood.status().open).toBeLessThanOrEqual(PER_CLIENT_CAP);
    await expectServedFrom("127.0.0.2");
  } finally {
    flood.stop();
  }
});

test("a flood from many addresses over the total cap, reopened when dropped, sheds the longest-waiting connections; health and checkouts answer within a second", async () => {
  const addresses = Array.from({ length: 60 }, (_, index) => `127.0.1.${index + 1}`);
  const flood = trickle({ addresses, perAddress: 25, reopenAfterMs: 1000 });
  try {
    await flood.settled();
    for (let probe = 0; probe < 3; probe++) {
      await expectServedFrom("127.0.0.2");
      await sleep(500);
    }
    expect(flood.status().dropped, "connections the server shed").toBeGreaterThan(0);
  } finally {
    flood.stop();
  }
});

/**
 * `count` connections, the nth from `addressOf(n)`, each asking for the API reference's 4.9 MB script `times` times in
 * one write (pipelined when more than once) and reading nothing.
 */
function nonReadingScriptClients(count: number, addressOf: (index: number) => string, times = 1): Socket[] {
  return Array.from({ length: count }, (_, index) => {
    const socket = connect({ host: "127.0.0.1", port: PORT, localAddress: addressOf(index) });
    socket.on("error", () => {});
    socket.write("GET /docs/api/scalar.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(times));
    socket.pause();
    return socket;
  });
}

/** The server's resident memory, sampled for five seconds, grows by less than 100 MB over `before`. */
async function expectMemoryWithin100MbOf(before: number): Promise<void> {
  let peak = before;
  for (let sample = 0; sample < 10; sample++) {
    await sleep(500);
    peak = Math.max(peak, residentBytes(server.pids()));
  }
  expect(
    peak - before,
    `the server grew from ${Math.round(before / MB)} MB to ${Math.round(peak / MB)} MB`,
  ).toBeLessThan(100 * MB);
}

test("a hundred clients that never read the API reference's 4.9 MB script cost the server less than 100 MB", async () => {
  const scriptUrl = `${server.baseUrl}/docs/api/scalar.js`;
  expect((await timedRequest(scriptUrl, "127.0.0.3")).status).toBe(200);
  const before = residentBytes(server.pids());
  const readers = nonReadingScriptClients(100, () => "127.0.0.3");
  try {
    await expectMemoryWithin100MbOf(before);
    expect((await timedRequest(`${server.baseUrl}/api/health`, "127.0.0.2")).status).toBe(200);
  } finally {
    for (const socket of readers) socket.destroy();
  }
});

/** Sends `requestLine` and its Host header as they are; answers the head of the response. */
function rawHead(requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: PORT });
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("close", () => resolve(answer.split("\r\n\r\n")[0]!));
    socket.on("error", reject);
    socket.end(`${requestLine}\r\nHost: 127.0.0.1:${PORT}\r\nConnection: close\r\n\r\n`);
  });
}

test("a request line in absolute form is a 400, never a redirect to the site it names", async () => {
  for (const target of [
    "http://evil.example/checkout",
    "HTTP://evil.example/api/health",
    `http://127.0.0.1:${PORT}/checkout`,
    "*",
  ]) {
    const head = await rawHead(`GET ${target} HTTP/1.1`);
    expect(head, target).toMatch(/^HTTP\/1\.1 400 /);
    expect(head, target).not.toMatch(/^location:/im);
  }
});

/**
 * A checkout whose body never finishes arriving, from `client` as a proxy names it: a request in flight until the
 * socket is destroyed.
 */
function requestInFlight(port: number, client: string): Socket {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => {});
  socket.write(
    `POST /api/checkout HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: ${client}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
  );
  return socket;
}

test("behind a proxy, a client with its maximum of requests in flight is told 429 for another, and other clients are served", async () => {
  const proxied = await createDatabase("sqlite", "connections-proxied");
  const behindProxy = await startBuiltServer({
    database: proxied,
    port: PORT + 1,
    env: { TRUST_PROXY_HOPS: "1", CONNECTIONS_PER_CLIENT: "3" },
  });
  const held = Array.from({ length: 3 }, () => requestInFlight(PORT + 1, "203.0.113.5"));
  try {
    await sleep(500);
    const asking = (client: string) =>
      fetch(`${behindProxy.baseUrl}/api/health`, { headers: { "x-forwarded-for": client } });
    const refused = await asking("203.0.113.5");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    expect((await asking("203.0.113.6")).status).toBe(200);
  } finally {
    for (const socket of held) socket.destroy();
    await behindProxy.stop();
    await proxied.drop();
  }
});

/** When the server closes `socket`, in milliseconds after `since`. */
function closedAfter(socket: Socket, since: number): Promise<number> {
  return new Promise((resolve) => socket.once("close", () => resolve(Date.now() - since)));
}

test("a connection whose request headers have not all arrived after 10 s is closed within the 11th second, silent or trickling", async () => {
  const started = Date.now();
  const silent = connect({ host: "127.0.0.1", port: PORT });
  const trickling = connect({ host: "127.0.0.1", port: PORT });
  for (const socket of [silent, trickling]) socket.on("error", () => {}).resume();
  trickling.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: ");
  const drip = setInterval(() => trickling.write("a"), 1000);
  try {
    const closed = await Promise.race([
      Promise.all([closedAfter(silent, started), closedAfter(trickling, started)]),
      sleep(15_000).then(() => [Infinity, Infinity]),
    ]);
    for (const milliseconds of closed) {
      expect(milliseconds).toBeGreaterThanOrEqual(9_500);
      expect(milliseconds).toBeLessThan(11_500);
    }
  } finally {
    clearInterval(drip);
    silent.destroy();
    trickling.destroy();
  }
});

test("connections that pipeline requests and never read are served one request at a time: memory stays flat and others are answered", async () => {
  const before = residentBytes(server.pids());
  // Two hundred addresses, each asking for the 4.9 MB script fifteen times in one write, reading nothing.
  const pipelining = nonReadingScriptClients(200, (index) => `127.0.2.${index + 1}`, 15);
  try {
    await expectMemoryWithin100MbOf(before);
    await expectServedFrom("127.0.0.2");
  } finally {
    for (const socket of pipelining) socket.destroy();
  }

  // One connection that queues more requests than the server keeps waiting is cut off, having had a few answered.
  const greedy = connect({ host: "127.0.0.1", port: PORT, localAddress: "127.0.0.4" });
  let answered = 0;
  greedy.on("data", (chunk: Buffer) => (answered += chunk.toString().split("HTTP/1.1 200").length - 1));
  greedy.on("error", () => {});
  const closed = new Promise<void>((resolve) => greedy.once("close", () => resolve()));
  greedy.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(40));
  await Promise.race([closed, sleep(5000)]);
  expect(greedy.destroyed || greedy.readyState === "closed", "the greedy connection was closed").toBe(true);
  expect(answered).toBeLessThan(40);
});

test("a path with a . or .. segment is a 400, so a body cannot reach a page through /api/../", async () => {
  for (const target of [
    "/api/../checkout",
    "/api/%2e%2e/checkout",
    "/api/%2E./checkout",
    "/checkout/./complete",
    "/api/..%2fcheckout",
  ]) {
    expect(await rawHead(`POST ${target} HTTP/1.1`), target).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawHead(`GET ${target} HTTP/1.1`), target).toMatch(/^HTTP\/1\.1 400 /);
  }
  // A dot inside a name is no segment of its own.
  expect((await fetch(`${server.baseUrl}/icon.svg`)).status).toBe(200);
});

test("a page takes no body with any method: an OPTIONS or GET that carries one is refused before it is read", async () => {
  for (const method of ["OPTIONS", "GET", "POST"]) {
    const head = await rawHead(`${method} /checkout HTTP/1.1\r\nContent-Length: 9437184`);
    expect(head, method).toMatch(/^HTTP\/1\.1 405 /);
  }
  expect((await fetch(`${server.baseUrl}/checkout`, { method: "OPTIONS" })).status).toBeLessThan(500);
});
