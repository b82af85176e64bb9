import { request as httpRequest } from "node:http";

import { expect, test } from "@playwright/test";

import { createDatabase, residentBytes, startBuiltServer, type BuiltServer, type TestDatabase } from "./built-server";

/**
 * What an attacker sends from one machine, against the built app on a server and database of its own: HTTP
 * framing and process memory are only real there.
 */
let database: TestDatabase;
let server: BuiltServer;

test.describe.configure({ mode: "serial", timeout: 180_000 });

test.beforeAll(async () => {
  database = await createDatabase("sqlite", "hardening");
  server = await startBuiltServer({ database, port: 3335 });
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

const MB = 1024 * 1024;

/**
 * POSTs `totalBytes` of body, declared with Content-Length or chunked, writing 64 KB at a time only while the
 * server has not answered; returns the status and how much was sent before the answer came.
 */
function postLargeBody(url: string, options: { totalBytes: number; declared: boolean }): Promise<{ status: number; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, " ");
    let sentBytes = 0;
    let answered = false;
    const request = httpRequest(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(options.declared ? { "content-length": String(options.totalBytes) } : {}) },
    });
    request.on("response", (response) => {
      answered = true;
      response.resume();
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, sentBytes });
      });
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const write = () => {
      while (!answered && sentBytes < options.totalBytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", write);
          return;
        }
      }
      if (!answered) request.end();
    };
    write();
  });
}

test("every endpoint that reads a body refuses an oversized one with 413, declared or chunked, without holding it in memory", async () => {
  const before = residentBytes(server.pids());
  for (const path of ["/api/checkout", "/api/auth/signin/email"]) {
    for (const declared of [true, false]) {
      const result = await postLargeBody(`${server.baseUrl}${path}`, { totalBytes: 200 * MB, declared });
      expect(result.status, `${path}, ${declared ? "declared" : "chunked"}`).toBe(413);
    }
  }
  // Staff endpoints refuse anyone not signed in before reading a byte.
  for (const path of ["/api/staff/dry-run", "/api/staff/demo-checkouts"]) {
    expect([401, 403], path).toContain((await postLargeBody(`${server.baseUrl}${path}`, { totalBytes: 200 * MB, declared: false })).status);
  }
  const grown = residentBytes(server.pids()) - before;
  expect(grown, `the server grew by ${Math.round(grown / MB)} MB`).toBeLessThan(64 * MB);
  expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
});
