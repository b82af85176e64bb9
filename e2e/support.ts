import { execFileSync } from "node:child_process";

import type { APIRequestContext } from "@playwright/test";

import { endpoints } from "../lib/api/endpoints";
import { E2E_BASE_URL, E2E_DATABASE_URL } from "../playwright.config";

export interface DemoCheckout {
  invoiceId: number;
  basketSession: string;
  completionUrl: string;
}

/** `npm run demo:checkout` against the served app's database, as support staff would run it. */
export function demoCheckout(...args: string[]): DemoCheckout {
  const stdout = execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/demo-checkout.ts", ...args], {
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, APP_URL: E2E_BASE_URL },
    encoding: "utf8",
  });
  return JSON.parse(stdout) as DemoCheckout;
}

/** A demo checkout registered over HTTP, as the completion page does it; returns the invoice token too. */
export async function registeredCheckout(request: APIRequestContext, ...args: string[]): Promise<DemoCheckout & { token: string }> {
  const checkout = demoCheckout(...args);
  const response = await request.post(endpoints.billing.invoices.registerByToken(checkout.invoiceId, checkout.basketSession).url, { data: {} });
  if (response.status() !== 200) throw new Error(`registration failed: ${response.status()} ${await response.text()}`);
  const { Token } = (await response.json()) as { Token: string };
  return { ...checkout, token: Token };
}
