/** Addresses of the app's own pages that more than one place builds. */
export function checkoutCompletionPath(invoiceId: number, basketSession: string): string {
  const query = new URLSearchParams({ invoiceId: String(invoiceId), basketSession });
  return `/checkout/complete?${query.toString()}`;
}
