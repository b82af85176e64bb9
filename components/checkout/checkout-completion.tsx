"use client";

import { CompletionView } from "./completion-view";
import { useCheckoutCompletion } from "./use-checkout-completion";

/** The live completion page: the behaviour of docs/contract.md §4.2 driving the shared view. */
export function CheckoutCompletion() {
  const { state, retry } = useCheckoutCompletion();
  return <CompletionView state={state} onRetry={retry} />;
}
