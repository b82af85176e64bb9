import { request as httpRequest } from "node:http";

import { expect, test } from "./fixtures";

import { randomUUID } from "node:crypto";

import { createDatabase, residentBytes, startBuiltServer, type BuiltServer, type TestDatabase } from "./built-server";
import { checkout, register, send, Tally } from "./traffic";

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
function postLargeBody(
  url: string,
  options: { totalBytes: number; declared: boolean; contentType?: string },
): Promise<{ status: number; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, " ");
    let sentBytes = 0;
    let answered = false;
    const request = httpRequest(url, {
      method: "POST",
      headers: {
        "content-type": options.contentType ?? "application/x-www-form-urlencoded",
        ...(options.declared ? { "content-length": String(options.totalBytes) } : {}),
      },
    });
    request.on("response", (response) => {
      answered = true;
      response.resume();
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, sentBytes });
      });
    });
    // A server may answer and stop reading before the body is sent: writing then fails (EPIPE) while the answer
    // is still on its way. Only no answer at all is a failure.
    request.on("error", (error) => {
      if (!answered) setTimeout(() => answered || reject(error), 2000);
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
  const bodied = [
    "/api/checkout",
    "/api/auth/callback/customer",
    "/api/portal/sign-in-link",
    "/api/payments/test/events",
    "/api/public/billing/invoices/1/registerByToken?token=3cf26827-6d6b-4b4c-9a3e-2f1d0c8b7a65",
  ];
  // Each route loaded first, with a small body: what is measured is what the large bodies cost, not the code's loading.
  for (const path of bodied)
    await fetch(`${server.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
  const before = residentBytes(server.pids());
  for (const path of bodied) {
    for (const declared of [true, false]) {
      // The JSON routes take JSON alone (anything else is a 400 before a byte is read).
      const contentType =
        path === "/api/checkout" || path === "/api/portal/sign-in-link" ? "application/json" : undefined;
      const result = await postLargeBody(`${server.baseUrl}${path}`, { totalBytes: 200 * MB, declared, contentType });
      expect(result.status, `${path}, ${declared ? "declared" : "chunked"}`).toBe(413);
    }
  }
  // Pages take no bodies at all (every form posts to the API).
  for (const path of ["/checkout", "/", "/portal/sign-in"]) {
    for (const declared of [true, false]) {
      expect((await postLargeBody(`${server.baseUrl}${path}`, { totalBytes: 200 * MB, declared })).status, path).toBe(
        405,
      );
    }
  }
  // Staff endpoints refuse anyone not signed in before reading a byte.
  for (const path of ["/api/staff/dry-run", "/api/staff/demo-checkouts"]) {
    expect([401, 403], path).toContain(
      (await postLargeBody(`${server.baseUrl}${path}`, { totalBytes: 200 * MB, declared: false })).status,
    );
  }
  const grown = residentBytes(server.pids()) - before;
  expect(grown, `the server grew by ${Math.round(grown / MB)} MB`).toBeLessThan(64 * MB);
  expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
});

/**
 * One request through node:http, which sends the method and the path exactly as given (fetch refuses TRACE and
 * normalises a path), with the answer's status, content type and body.
 */
function rawAnswer(url: string, method: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers["content-type"] ?? "", body }),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

test("a method the server does not know (TRACE, PROPFIND) is a 405 in words, never a logged 500", async () => {
  for (const method of ["TRACE", "PROPFIND"]) {
    for (const path of ["/api/health", "/api/public/businesses/1/logo", "/checkout"]) {
      const answer = await rawAnswer(`${server.baseUrl}${path}`, method);
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.type, `${method} ${path}`).toContain("application/problem+json");
      expect(JSON.parse(answer.body), `${method} ${path}`).toMatchObject({ code: "method_not_allowed" });
    }
  }
  expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
});

/** Asks for a sign-in link as the portal's form does; returns what the form would be told. */
async function askForSignInLink(email: string): Promise<{ status: number; body: string }> {
  const tally = new Tally();
  const response = await send(tally, "sign-in", `${server.baseUrl}/api/portal/sign-in-link`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  return { status: response!.status, body: (await response!.text()).replace(email, "<email>") };
}

async function registeredCustomer(): Promise<string> {
  const tally = new Tally();
  const [product] = await database.rows<{ id: number }>(`SELECT "id" FROM "Product" ORDER BY "id" LIMIT 1`);
  const email = `portal-${randomUUID()}@example.com`;
  const paid = await checkout(tally, server.baseUrl, { productId: Number(product!.id), email });
  if (!paid || !(await register(tally, server.baseUrl, paid.invoiceId, paid.basketSession)))
    throw new Error(`no registration: ${tally.toString()}`);
  return email;
}

const countFor = async (email: string) => {
  const [row] = await database.rows<{ mails: number; tokens: number }>(`
    SELECT (SELECT COUNT(*) FROM "OutboxMessage" WHERE "kind" = 'auth.sign_in_link' AND "recipient" = '${email}') AS "mails",
           (SELECT COUNT(*) FROM "SignInChallenge" WHERE "email" = '${email}') AS "tokens"`);
  return { mails: Number(row!.mails), tokens: Number(row!.tokens) };
};

test("sign-in links are limited per address and per client, store nothing for an address that gets no mail, and answer alike", async () => {
  const customer = await registeredCustomer();
  const later = await registeredCustomer();
  const stranger = `stranger-${randomUUID()}@example.com`;
  const answers = new Set<string>();
  const ask = async (email: string, times: number) => {
    for (let index = 0; index < times; index++) {
      const answer = await askForSignInLink(email);
      expect(answer.status).toBe(202);
      answers.add(answer.body);
    }
  };

  // The work is done after the answer (so its timing tells nothing): wait for the customer's, asked after the stranger's.
  await ask(stranger, 5);
  await ask(customer, 10);
  await expect.poll(() => countFor(customer)).toEqual({ mails: 3, tokens: 3 });
  await new Promise((settle) => setTimeout(settle, 500));
  expect(await countFor(customer)).toEqual({ mails: 3, tokens: 3 });
  expect(await countFor(stranger)).toEqual({ mails: 0, tokens: 0 });
  // 15 asks so far from this client; five more use up its 20, then even an address with access gets nothing.
  await ask(stranger, 5);
  await ask(later, 2);
  await new Promise((settle) => setTimeout(settle, 1000));
  expect(await countFor(later)).toEqual({ mails: 0, tokens: 0 });
  expect(answers.size, [...answers].join("\n")).toBe(1);
});

async function auditedAddressOfRegistration(db: TestDatabase, invoiceId: number): Promise<string | undefined> {
  const [row] = await db.rows<{ clientIp: string }>(
    `SELECT "clientIp" FROM "AuditEvent" WHERE "type" = 'registration.succeeded' AND "invoiceId" = ${invoiceId}`,
  );
  return row?.clientIp;
}

async function registerFrom(target: BuiltServer, db: TestDatabase, forwardedFor: string): Promise<number> {
  const [product] = await db.rows<{ id: number }>(`SELECT "id" FROM "Product" ORDER BY "id" LIMIT 1`);
  const tally = new Tally();
  const paid = await checkout(tally, target.baseUrl, {
    productId: Number(product!.id),
    email: `address-${randomUUID()}@example.com`,
  });
  const response = await fetch(
    `${target.baseUrl}/api/public/billing/invoices/${paid!.invoiceId}/registerByToken?token=${paid!.basketSession}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
      body: "{}",
    },
  );
  expect(response.status).toBe(200);
  return paid!.invoiceId;
}

test("an address with a malformed percent-encoding is a 400 in words, never a bare 500", async () => {
  for (const path of [
    "/api/payments/%/events",
    "/api/public/billing/invoices/%E0%A4%A/pdfByToken",
    "/api/%",
    "/staff/checkouts/%",
    "/checkout/%zz",
  ]) {
    for (const method of ["GET", "POST"]) {
      const answer = await rawAnswer(`${server.baseUrl}${path}`, method);
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.type, `${method} ${path}`).toContain("application/problem+json");
      expect(JSON.parse(answer.body), `${method} ${path}`).toMatchObject({ code: "bad_request" });
    }
  }
  expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
});

test("next-auth's endpoints answer a malformed body with 400 and an odd address like any other, never with a 500", async () => {
  for (const path of ["/api/auth/callback/customer", "/api/auth/callback/staff"]) {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(response.status, path).toBe(400);
    expect(await response.json(), path).toMatchObject({ code: "bad_request" });
  }
  const odd = await askForSignInLink("guest\u0000@example.com");
  expect(odd.status).toBe(400);
  // GET never signs in or out, and shows none of next-auth's own pages: anything it does not read is a problem in words.
  for (const [path, status, code] of [
    ["/api/auth/callback/customer", 405, "method_not_allowed"],
    ["/api/auth/signout", 405, "method_not_allowed"],
    ["/api/auth/whatever", 404, "not_found"],
    ["/api/auth/verify-request", 404, "not_found"],
  ] as const) {
    // (and a POST to anything but a sign-in, a callback or a sign-out is not found either, below)
    const response = await fetch(`${server.baseUrl}${path}`, { redirect: "manual" });
    expect(response.status, path).toBe(status);
    expect(response.headers.get("content-type"), path).toContain("application/problem+json");
    expect(await response.json(), path).toMatchObject({ code });
  }
  for (const path of [
    "/api/auth/csrf",
    "/api/auth/session",
    "/api/auth/signin",
    "/api/auth/callback/nope",
    "/api/auth/_log",
  ]) {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=b",
    });
    expect(response.status, `POST ${path}`).toBe(404);
    expect(await response.json(), `POST ${path}`).toMatchObject({ code: "not_found" });
  }
});

test("without a proxy the client address is the connection's: a forged X-Forwarded-For is neither audited nor escapes the limit", async () => {
  const invoiceId = await registerFrom(server, database, "203.0.113.9");
  expect(await auditedAddressOfRegistration(database, invoiceId)).toBe("127.0.0.1");

  // 600 points per address, a refused guess costs 5: the 121st guess from one machine is refused, whatever it forges.
  const statuses: number[] = [];
  for (let guess = 0; guess < 130; guess++) {
    const response = await fetch(
      `${server.baseUrl}/api/public/billing/invoices/1/registerByToken?token=${randomUUID()}`,
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${guess % 250}` },
        body: "{}",
      },
    );
    statuses.push(response.status);
  }
  expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(120);
  expect(statuses.at(-1)).toBe(429);
});

test("behind one trusted proxy the client address is the one the proxy appended, not what the client wrote before it", async () => {
  const proxied = await createDatabase("sqlite", "proxied");
  const behindProxy = await startBuiltServer({ database: proxied, port: 3336, env: { TRUST_PROXY_HOPS: "1" } });
  try {
    const invoiceId = await registerFrom(behindProxy, proxied, "198.51.100.1, 203.0.113.7");
    expect(await auditedAddressOfRegistration(proxied, invoiceId)).toBe("203.0.113.7");
  } finally {
    await behindProxy.stop();
    await proxied.drop();
  }
});

test("every page carries a nonce-based Content-Security-Policy, new each time, without 'unsafe-eval', and no frame may embed it", async () => {
  // Paths that only start like a static file's are pages too (their 404), and a language header sent by the
  // client is never obeyed: proxy.ts sets it on every page.
  for (const path of [
    "/",
    "/checkout",
    "/checkout/complete",
    "/portal/sign-in",
    "/staff/sign-in",
    "/no-such-page",
    "/icon.svg/x",
    "/favicon.ico",
    "/_next/imagex",
  ]) {
    const [first, second] = [
      await fetch(`${server.baseUrl}${path}`, { headers: { "x-locale": "de" } }),
      await fetch(`${server.baseUrl}${path}`),
    ];
    const policy = first.headers.get("content-security-policy") ?? "";
    expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(policy, path).toContain("frame-ancestors 'none'");
    expect(policy, path).not.toContain("unsafe-eval");
    expect(second.headers.get("content-security-policy"), path).not.toBe(policy);
    // The page's own scripts carry that response's nonce.
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length, path).toBeGreaterThan(0);
    for (const script of scripts) expect(script, path).toContain(`nonce="${nonce}"`);
    expect(first.headers.get("strict-transport-security"), path).toBeNull();
    expect(html, path).toContain('<html lang="en"');
  }
});

test("served over https (APP_URL), pages tell browsers to keep to it (HSTS)", async () => {
  const httpsDatabase = await createDatabase("sqlite", "https");
  const https = await startBuiltServer({
    database: httpsDatabase,
    port: 3337,
    env: { APP_URL: "https://billing.example.com" },
  });
  try {
    expect((await fetch(`${https.baseUrl}/checkout`)).headers.get("strict-transport-security")).toBe(
      "max-age=63072000; includeSubDomains",
    );
  } finally {
    await https.stop();
    await httpsDatabase.drop();
  }
});
