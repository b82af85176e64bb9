"use client";

import { CompletionView } from "@/components/checkout/completion-view";
import type { CompletionState } from "@/components/checkout/completion-state";

/** The guest's completion view, fed sample state; its buttons do nothing here. */
export function CompletionPreview({ state }: { state: CompletionState }) {
  return <CompletionView state={state} onRetry={() => undefined} />;
}
