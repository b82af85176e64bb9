// @ts-check
// A slow-loris client for e2e/connections.spec.ts: it opens connections from the given local addresses and sends
// each one's request headers a byte a second, never finishing them. It runs as a process of its own so that the
// test's own requests share neither its event loop nor its descriptors. Its one argument is JSON:
// { port, addresses, perAddress, reopenAfterMs? } — with reopenAfterMs, a connection the server drops is opened
// again that much later, as an attacker keeps up a flood. Every 200 ms it prints a JSON line: how many connections
// are open, how many the server dropped, and whether every first attempt has connected or failed ("settled").
import { connect } from "node:net";

/** @type {{ port: number; addresses: string[]; perAddress: number; reopenAfterMs?: number }} */
const { port, addresses, perAddress, reopenAfterMs } = JSON.parse(process.argv[2] ?? "{}");

/** @type {Set<import("node:net").Socket>} */
const open = new Set();
let dropped = 0;
let unsettled = addresses.length * perAddress;

/** @param {string} localAddress */
function openOne(localAddress, first = false) {
  let connected = false;
  const socket = connect({ host: "127.0.0.1", port, localAddress });
  socket.on("connect", () => {
    connected = true;
    open.add(socket);
    if (first) unsettled--;
    socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: ");
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    if (!connected && first) unsettled--;
    if (connected) dropped++;
    open.delete(socket);
    if (reopenAfterMs !== undefined) setTimeout(() => openOne(localAddress), reopenAfterMs);
  });
  // What is sent never ends the headers, so the server never sees a request.
  socket.resume();
}

for (const address of addresses) for (let index = 0; index < perAddress; index++) openOne(address, true);

setInterval(() => {
  for (const socket of open) socket.write("a");
}, 1000);
setInterval(() => console.log(JSON.stringify({ open: open.size, dropped, settled: unsettled === 0 })), 200);
