"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";
import type { InvoiceSummary } from "@/lib/validation/invoice-summary";
import { parseGuid, parsePositiveId } from "@/lib/validation/patterns";

import {
  forgetWhatExpired,
  idempotencyKeyFor,
  readInvoiceToken,
  readPurchase,
  rememberPurchase,
  storeInvoiceToken,
} from "./completion-storage";
import type { CompletionState } from "./completion-state";

/** Automatic retries while the payment is pending, in seconds; then the guest retries by hand. */
const PENDING_BACKOFF_SECONDS = [2, 4, 8, 16];

type Registration = { ok: true; token: string } | { ok: false; error: unknown };

/**
 * One registerByToken call per basket per page view: React Strict Mode runs effects twice in development,
 * and both runs share this promise. A retry asked for by the guest starts a new call (same Idempotency-Key).
 */
const registrations = new Map<string, Promise<Registration>>();

function register(invoiceId: number, basketSession: string, fresh: boolean): Promise<Registration> {
  const key = `${invoiceId}:${basketSession}`;
  if (fresh) registrations.delete(key);
  let registration = registrations.get(key);
  if (!registration) {
    const endpoint = endpoints.billing.invoices.registerByToken(invoiceId, basketSession);
    registration = httpClient
      .post<typeof endpoint.type>(
        endpoint.url,
        {},
        { headers: { "Idempotency-Key": idempotencyKeyFor(basketSession) } },
      )
      .then(({ data }): Registration => ({ ok: true, token: data.Token }))
      .catch((error: unknown): Registration => ({ ok: false, error }));
    registrations.set(key, registration);
  }
  return registration;
}

/**
 * The page's state for each answer registerByToken can give, over every code of the API: a code added to the API
 * fails the build here until the page says what it means to a guest. A used or expired link names its purchase when
 * this browser showed its receipt before.
 */
function stateOfError(error: unknown, invoiceId: number): CompletionState {
  if (!(error instanceof ApiError)) return { kind: "network_error" };
  const code = error.code;
  switch (code) {
    case "basket_token_used":
      return { kind: "used", purchase: readPurchase(invoiceId) };
    case "basket_token_expired":
      return { kind: "expired", purchase: readPurchase(invoiceId) };
    case "basket_token_invalid":
    case "invoice_not_found":
      return { kind: "not_found" };
    case "payment_pending":
      return { kind: "pending", retryInSeconds: null };
    case "payment_declined":
      return { kind: "declined" };
    case "rate_limited":
      return { kind: "rate_limited", retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterSeconds ?? 30)) };
    // Not answers of this endpoint, or faults: to a guest, the connection did not do its job; retrying is the answer.
    case "bad_request":
    case "idempotency_key_invalid":
    case "webhook_signature_invalid":
    case "invoice_token_invalid":
    case "invoice_token_expired":
    case "unauthorized":
    case "cross_site_request":
    case "not_found":
    case "method_not_allowed":
    case "checkout_in_progress":
    case "order_already_completed":
    case "payload_too_large":
    case "internal_error":
    case null:
      return { kind: "network_error" };
    default:
      return code satisfies never;
  }
}

async function fetchSummary(invoiceId: number, token: string): Promise<InvoiceSummary | null> {
  const endpoint = endpoints.billing.invoices.summaryByToken(invoiceId, token);
  try {
    return (await httpClient.get<typeof endpoint.type>(endpoint.url)).data;
  } catch {
    return null; // the receipt is a courtesy: the PDF link works without it
  }
}

/**
 * Drops the basket GUID from the address bar (and so from history) once it has done its job. With no state of its
 * own, Next.js's router takes the new address as the page's (its state passed back would make the router skip
 * that), so a later refresh — the language switcher's — does not bring the GUID back.
 */
function forgetBasketInAddressBar(invoiceId: number): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has("basketSession")) return;
  url.search = new URLSearchParams({ invoiceId: String(invoiceId) }).toString();
  window.history.replaceState(null, "", url);
}

/** The address's parameters; `basketSession` is undefined when the address has none, null when it is no GUID. */
function readParameters(): { invoiceId: number | null; basketSession: string | null | undefined } {
  const params = new URLSearchParams(window.location.search);
  const basketSession = params.get("basketSession");
  return {
    invoiceId: parsePositiveId(params.get("invoiceId")),
    basketSession: basketSession === null ? undefined : parseGuid(basketSession),
  };
}

interface Controller {
  setState: (state: CompletionState) => void;
  pendingAttempts: { current: number };
  timer: { current: ReturnType<typeof setTimeout> | undefined };
  /** Each run (and each unmount) bumps the generation; a run whose generation has passed stops quietly. */
  generation: { current: number };
}

/**
 * One run of the page's behaviour. `fresh` asks the server again (a retry); `quietly` keeps the current state on
 * screen meanwhile: the automatic retries while a payment is pending stay on the pending view, with its progress
 * indicator, instead of flashing the loading outline every few seconds.
 */
async function runCompletion(controller: Controller, fresh: boolean, quietly = false): Promise<void> {
  const { setState, pendingAttempts, timer, generation } = controller;
  clearTimeout(timer.current);
  const mine = ++generation.current;
  const current = () => mine === generation.current;
  const showSuccess = async (invoiceId: number, token: string) => {
    const summary = await fetchSummary(invoiceId, token);
    if (summary)
      rememberPurchase(invoiceId, {
        invoiceNumber: summary.invoiceNumber,
        paidAt: summary.paidAt ?? summary.issuedAt,
        timeZone: summary.timeZone,
        locale: summary.locale,
      });
    if (current())
      setState({
        kind: "success",
        invoiceId,
        pdfUrl: endpoints.billing.invoices.pdfByToken(invoiceId, token).url,
        summary,
      });
  };

  forgetWhatExpired();
  const { invoiceId, basketSession } = readParameters();
  if (invoiceId === null) return setState({ kind: "missing_parameters" });

  const stored = readInvoiceToken(invoiceId);
  if (stored) {
    forgetBasketInAddressBar(invoiceId);
    return showSuccess(invoiceId, stored);
  }
  // The address this page leaves after success, opened where its token is not (another browser, or an hour later):
  // the receipt went by e-mail, and the account has it. Nothing is registered by opening a page.
  if (basketSession === undefined) return setState({ kind: "receipt_emailed", purchase: readPurchase(invoiceId) });
  if (basketSession === null) return setState({ kind: "missing_parameters" });

  if (fresh && !quietly) setState({ kind: "loading" });
  const result = await register(invoiceId, basketSession, fresh);
  if (!current()) return;
  if (result.ok) {
    storeInvoiceToken(invoiceId, result.token);
    forgetBasketInAddressBar(invoiceId);
    pendingAttempts.current = 0;
    return showSuccess(invoiceId, result.token);
  }

  if (result.error instanceof ApiError && result.error.code === "payment_pending") {
    const delay = PENDING_BACKOFF_SECONDS[pendingAttempts.current++];
    if (delay === undefined) return setState({ kind: "pending", retryInSeconds: null });
    const wait = Math.max(delay, result.error.retryAfterSeconds ?? 0);
    setState({ kind: "pending", retryInSeconds: wait, attempt: pendingAttempts.current });
    timer.current = setTimeout(() => void runCompletion(controller, true, true), wait * 1000);
    return;
  }
  setState(stateOfError(result.error, invoiceId));
}

/** The completion page's behaviour (docs/contract.md §4.2 points 1–7), as a state for CompletionView. */
export function useCheckoutCompletion(): { state: CompletionState; retry: () => void } {
  const [state, setState] = useState<CompletionState>({ kind: "loading" });
  const controllerRef = useRef<Controller | null>(null);

  useEffect(() => {
    const controller: Controller = {
      setState,
      pendingAttempts: { current: 0 },
      timer: { current: undefined },
      generation: { current: 0 },
    };
    controllerRef.current = controller;
    void runCompletion(controller, false);
    return () => {
      controller.generation.current++;
      clearTimeout(controller.timer.current);
    };
  }, []);

  const retry = useCallback(() => {
    const controller = controllerRef.current;
    if (!controller) return;
    controller.pendingAttempts.current = 0;
    void runCompletion(controller, true);
  }, []);

  return { state, retry };
}
