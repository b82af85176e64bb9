import "server-only";

import { getConfig } from "@/lib/config";
import { AppError, problemBody, problemResponse, toProblemResponse } from "@/lib/server/errors";

/** JSON with `Cache-Control: no-store`, as every API response (docs/contract.md §3). */
export function jsonResponse(
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...init.headers },
  });
}

/** Runs a route handler's work and turns whatever it throws into a problem response. */
export async function handleRoute(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    return toProblemResponse(error);
  }
}

/** What the endpoints that read a body accept: a checkout of 50 lines is ≈ 5 KB, a sign-in form far less. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The request body as text, read only up to `maxBytes`: a declared Content-Length above it is refused before a
 * byte is read, and a chunked body as soon as it passes it, so an oversized body is never held in memory.
 */
export async function readBodyText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () =>
    new AppError(
      "payload_too_large",
      maxBytes === MAX_BODY_BYTES
        ? {}
        : { detail: `The request body must be at most ${Math.round(maxBytes / 1024)} KB.` },
    );
  const declared = request.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= maxBytes)) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-upload: its request, not a fault of ours.
      throw new AppError("bad_request", { detail: "The request body was not received whole." });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * For an endpoint that takes no body: one declared within `maxBytes` is left unread (Node.js reads and drops it
 * once the answer is sent), one declared above it is refused (413), and one sent without a length is read, up
 * to the limit, to learn its size.
 */
export async function ignoreBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<void> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= maxBytes) return;
  await readBodyText(request, maxBytes);
}

/**
 * A JSON body of at most `maxBytes`; null when it is not JSON (the caller's schema then refuses it). A body not
 * declared as `application/json` is refused (400) before a byte of it is read: a page of another site can only send
 * a form or text/plain without asking first, so this also keeps those out.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const mediaType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json")
    throw new AppError("bad_request", { detail: "Send the request as application/json." });
  const text = await readBodyText(request, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * The origins the app's own pages may have: APP_URL's, the request's URL's, and the one the client addressed (the
 * production server, scripts/serve.mjs, sets X-Forwarded-Host to the Host the client sent and X-Forwarded-Proto to
 * the scheme it used, behind the trusted proxies), so the portal works by whatever name or address it is reached.
 * Another site's page cannot pass for one of them: its browser sends that site's Origin, whatever the Host.
 */
function ownOrigins(request: Request): Set<string> {
  const origins = new Set([new URL(getConfig().appUrl).origin, new URL(request.url).origin]);
  const host = request.headers.get("x-forwarded-host");
  const proto = request.headers.get("x-forwarded-proto");
  if (host && (proto === "http" || proto === "https")) {
    try {
      origins.add(new URL(`${proto}://${host}`).origin);
    } catch {
      // A Host that is no host names no origin of ours.
    }
  }
  return origins;
}

/** 403 `cross_site_request`, saying which origin came and which were expected. */
function crossSite(origin: string | null, expected: Set<string>): AppError {
  const came = origin === null ? "a page that sent no Origin" : origin;
  return new AppError("cross_site_request", {
    detail: `This action can only be taken from the portal's own pages (${[...expected].join(" or ")}); this request came from ${came}.`,
  });
}

/**
 * Refuses what a browser sends from another site (403 `cross_site_request`): a request whose `Origin` is not the app's.
 * Browsers send `Origin` with every POST, so another site's page can never pass; a client without a browser sends none
 * and is judged by the endpoint's own limits. (Staff actions are stricter: `refuseUnlessOwnPage`.)
 */
export function refuseForeignOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (origin === null) return;
  const expected = ownOrigins(request);
  if (!expected.has(origin)) throw crossSite(origin, expected);
}

/** Refuses anything but a request of the app's own pages: by its Origin, or by Sec-Fetch-Site where a browser sent none. */
export function refuseUnlessOwnPage(request: Request): void {
  const origin = request.headers.get("origin");
  const expected = ownOrigins(request);
  const ownPage = origin !== null ? expected.has(origin) : request.headers.get("sec-fetch-site") === "same-origin";
  if (!ownPage) throw crossSite(origin, expected);
}

/** The invoice token of a token-gated read: `Authorization: Bearer …`, or else a single `?token=`. */
export function invoiceTokenOf(request: Request): string | null {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) return /^Bearer +([^\s]+) *$/i.exec(authorization)?.[1] ?? null;
  const tokens = new URL(request.url).searchParams.getAll("token");
  return tokens.length === 1 ? (tokens[0] ?? null) : null;
}

/**
 * The client address. The server entry (scripts/serve.mjs) replaces whatever X-Forwarded-For a request came with
 * by the one address it trusts — the TCP peer's, or the one the outermost trusted proxy saw — so the last entry
 * is that address (in tests, the one the test sets).
 */
export function clientIpOf(request: Request): string {
  const forwarded = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return forwarded.at(-1) ?? "unknown";
}

/** A handler for the methods a route does not support: 405 with `Allow`, as problem details. */
export function methodNotAllowed(...allowed: string[]): () => Response {
  return () => problemResponse(problemBody("method_not_allowed"), { Allow: allowed.join(", ") });
}

/** An invoice PDF as a download that no cache keeps, streamed from the renderer's cached copy (streamOf). */
export function pdfResponse({ fileName, pdf }: { fileName: string; pdf: Uint8Array }): Response {
  return new Response(streamOf(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Content-Length": String(pdf.length),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/**
 * A large, unchanging text answer (the OpenAPI document, the reference's 4.9 MB script), read and encoded once per
 * process and streamed from that one copy (streamOf). Not compressed: Next.js drops a route handler's own
 * `Content-Encoding` header, which left gzipped bytes that no client could read; compression belongs to the proxy
 * in front (see the README).
 */
export function cachedTextResponse(
  load: () => Promise<string> | string,
  headers: Record<string, string>,
): () => Promise<Response> {
  let body: Promise<Uint8Array> | undefined;
  return async () => {
    body ??= Promise.resolve(load()).then((text) => new TextEncoder().encode(text));
    return new Response(streamOf(await body), { headers });
  };
}

/** What an answer hands its connection at a time. */
const STREAM_CHUNK_BYTES = 64 * 1024;

/**
 * `bytes` as a stream of views into it, each pulled only once the connection took the last: a client that stops
 * reading holds a socket's buffer, not a copy of the answer (a string body is encoded afresh for each response and
 * written whole). Streamed from memory rather than from the file, so it holds no descriptor either.
 */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream(
    {
      pull(controller) {
        controller.enqueue(bytes.subarray(offset, offset + STREAM_CHUNK_BYTES));
        offset += STREAM_CHUNK_BYTES;
        if (offset >= bytes.length) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}
