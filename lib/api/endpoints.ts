/**
 * The typed endpoint registry (docs/contract.md §5), in the shape of the published API reference: each entry gives the
 * URL and, as a type-only marker, what the endpoint answers. Pages and clients never build these URLs by hand.
 */
import type { PlacedCheckoutResponse } from "@/lib/validation/checkout";
import type { DryRunResponse } from "@/lib/validation/staff";
import type { InvoiceDetail } from "@/lib/validation/invoice-detail";
import type { InvoiceSummary } from "@/lib/validation/invoice-summary";

const invoiceBase = (invoiceId: number) => `/api/public/billing/invoices/${encodeURIComponent(String(invoiceId))}`;
const withToken = (url: string, token: string) => `${url}?token=${encodeURIComponent(token)}`;

export const endpoints = {
  checkout: {
    place: () => ({ url: "/api/checkout", type: null as unknown as PlacedCheckoutResponse }),
  },
  billing: {
    invoices: {
      registerByToken: (invoiceId: number, basketSessionToken: string) => ({
        url: withToken(`${invoiceBase(invoiceId)}/registerByToken`, basketSessionToken),
        type: null as unknown as { Token: string },
      }),
      pdfByToken: (invoiceId: number, invoiceToken: string) => ({
        url: withToken(`${invoiceBase(invoiceId)}/pdfByToken`, invoiceToken),
        type: null as unknown as Blob,
      }),
      summaryByToken: (invoiceId: number, invoiceToken: string) => ({
        url: withToken(`${invoiceBase(invoiceId)}/summaryByToken`, invoiceToken),
        type: null as unknown as InvoiceSummary,
      }),
      get: (invoiceId: number) => ({ url: invoiceBase(invoiceId), type: null as unknown as InvoiceDetail }),
      pdf: (invoiceId: number) => ({ url: `${invoiceBase(invoiceId)}/pdf`, type: null as unknown as Blob }),
    },
  },
  portal: {
    /** 202 whatever the address: a sign-in e-mail goes only to one with portal access. */
    requestSignIn: () => ({ url: "/api/portal/sign-in-link", type: null as unknown as { requested: true } }),
  },
  staff: {
    /** The id of the checkout's newest audit event, which its page polls to show new events without a reload. */
    auditTrailLatest: (basketSessionId: number) => ({
      url: `/api/staff/checkouts/${encodeURIComponent(String(basketSessionId))}/audit-trail`,
      type: null as unknown as { latestEventId: number | null },
    }),
    correctGuestEmail: (basketSessionId: number) => ({
      url: `/api/staff/checkouts/${encodeURIComponent(String(basketSessionId))}/guest-email`,
      type: null as unknown as { recipient: string; customer: "created" | "linked" | "unregistered" },
    }),
    createDemoCheckout: () => ({
      url: "/api/staff/demo-checkouts",
      type: null as unknown as {
        invoiceId: number;
        completionPath: string;
        kind: "paid" | "unpaid" | "declined" | "expired";
        /** An unpaid one's: when the server settles its payment with the provider (an ISO instant). */
        settlesAt: string | null;
      },
    }),
    dryRun: () => ({ url: "/api/staff/dry-run", type: null as unknown as DryRunResponse }),
    resendRegistrationEmail: (basketSessionId: number) => ({
      url: `/api/staff/checkouts/${encodeURIComponent(String(basketSessionId))}/resend-registration-email`,
      type: null as unknown as { recipient: string },
    }),
  },
} as const;
