/**
 * A small HTTP client for the endpoint registry: JSON in and out, RFC 9457 problems turned into typed
 * errors, and a network failure told apart from an answer.
 */

import { isErrorCode, type ErrorCode } from "./error-codes";

/** What an error answer told: the problem body's fields, or what could be read of an answer that had none. */
interface ProblemSeen {
  title: string;
  status: number;
  detail: string;
  /** One of the API's codes; null when the answer was not one of its problems (a proxy's error page, say). */
  code: ErrorCode | null;
}

/** The server answered with an error (problem+json, or anything else that was not 2xx). */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: ErrorCode | null;
  /** Seconds from a Retry-After header (409 payment_pending, 429 rate_limited), when given. */
  readonly retryAfterSeconds: number | null;

  constructor(problem: ProblemSeen, retryAfterSeconds: number | null) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.code = problem.code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No answer arrived: offline, connection dropped, or the response could not be read. */
class NetworkError extends Error {
  override name = "NetworkError";
}

interface HttpResult<T> {
  data: T;
  status: number;
}

function retryAfterOf(headers: Headers): number | null {
  const value = headers.get("retry-after");
  if (!value) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

async function problemOf(response: Response): Promise<ProblemSeen> {
  const fallback: ProblemSeen = { title: response.statusText, status: response.status, detail: "", code: null };
  if (!(response.headers.get("content-type") ?? "").includes("json")) return fallback;
  try {
    const body = (await response.json()) as Record<string, unknown>;
    return {
      title: typeof body.title === "string" ? body.title : fallback.title,
      status: response.status,
      detail: typeof body.detail === "string" ? body.detail : "",
      code: isErrorCode(body.code) ? body.code : null,
    };
  } catch {
    return fallback;
  }
}

async function request<T>(
  method: string,
  url: string,
  init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<HttpResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Accept: "application/json",
        ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new NetworkError("The request did not reach the server.", { cause: error });
  }
  if (!response.ok) {
    if (response.status >= 500 && response.status !== 503) {
      // An unexpected server fault reads, to a guest, like a dropped connection: retrying is the answer.
      throw new NetworkError(`The server answered ${response.status}.`);
    }
    throw new ApiError(await problemOf(response), retryAfterOf(response.headers));
  }
  try {
    return { data: (await response.json()) as T, status: response.status };
  } catch (error) {
    throw new NetworkError("The response could not be read.", { cause: error });
  }
}

export const httpClient = {
  get: <T>(url: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) =>
    request<T>("GET", url, init),
  post: <T>(url: string, body: unknown, init?: { headers?: Record<string, string>; signal?: AbortSignal }) =>
    request<T>("POST", url, { ...init, body }),
};
