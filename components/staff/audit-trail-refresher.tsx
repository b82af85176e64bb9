"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";

/** How often an open checkout page asks whether its audit trail has a new event. */
const POLL_MS = 3000;

/**
 * Keeps a checkout's page up to date without a reload: every few seconds, while the page is in view, it asks for the
 * id of the newest audit event (a number, nothing else) and, when it differs from the one drawn, has the server draw
 * the page again (router.refresh: the same request as the page's own, under its Content-Security-Policy). What the
 * staff member typed or opened stays as it is. It stops when the server answers with an error (signed out, say).
 */
export function AuditTrailRefresher({
  basketSessionId,
  latestEventId,
}: {
  basketSessionId: number;
  latestEventId: number | null;
}) {
  const router = useRouter();

  useEffect(() => {
    const endpoint = endpoints.staff.auditTrailLatest(basketSessionId);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    async function poll() {
      timer = undefined;
      if (document.visibilityState !== "visible") return; // asked again when the page is shown
      try {
        const { data } = await httpClient.get<typeof endpoint.type>(endpoint.url, { signal: controller.signal });
        // Draws the page anew; this effect then starts over with the new id.
        if (data.latestEventId !== latestEventId) router.refresh();
      } catch (error) {
        if (controller.signal.aborted) return;
        // Signed out, or the checkout is not there: nothing more to ask. A dropped connection is asked again.
        if (error instanceof ApiError) stopped = true;
      }
      schedule();
    }
    function schedule() {
      if (!stopped && timer === undefined) timer = setTimeout(poll, POLL_MS);
    }
    function onVisibility() {
      if (document.visibilityState === "visible") schedule();
    }

    schedule();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [basketSessionId, latestEventId, router]);

  return null;
}
