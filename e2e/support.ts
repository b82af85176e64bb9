import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import AxeBuilder from "@axe-core/playwright";

import type { APIRequestContext, Page } from "@playwright/test";

import { endpoints } from "../lib/api/endpoints";
import type { Locale } from "../lib/i18n/locales";
import type { Messages } from "../lib/i18n/messages";
import { E2E_BASE_URL, E2E_DATABASE_URL, E2E_MAIL_OUTBOX } from "../playwright.config";
import { readOutbox, waitForMail } from "../test/mail-outbox";
import { expect } from "./fixtures";

interface DemoCheckout {
  invoiceId: number;
  basketSession: string;
  completionUrl: string;
}

/** `npm run demo:checkout` against the served app's database, as support staff would run it. */
export function demoCheckout(...args: string[]): DemoCheckout {
  const stdout = execFileSync(
    "node_modules/.bin/tsx",
    ["--conditions=react-server", "scripts/demo-checkout.ts", ...args],
    {
      env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, APP_URL: E2E_BASE_URL },
      encoding: "utf8",
    },
  );
  return JSON.parse(stdout) as DemoCheckout;
}

/** A demo checkout registered over HTTP, as the completion page does it; returns the invoice token too. */
export async function registeredCheckout(
  request: APIRequestContext,
  ...args: string[]
): Promise<DemoCheckout & { token: string }> {
  const checkout = demoCheckout(...args);
  const response = await request.post(
    endpoints.billing.invoices.registerByToken(checkout.invoiceId, checkout.basketSession).url,
    { data: {} },
  );
  if (response.status() !== 200) throw new Error(`registration failed: ${response.status()} ${await response.text()}`);
  const { Token } = (await response.json()) as { Token: string };
  return { ...checkout, token: Token };
}

/** Signs in to the staff area as the seeded staff member. */
export async function signInAsStaff(page: Page): Promise<void> {
  await page.goto("/staff/sign-in");
  await page.getByLabel("E-mail address").fill("staff@example.com");
  await page.getByLabel("Password").fill("staff-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/staff$/);
}

/** The files of the sign-in e-mails already delivered to an address, to tell the next one from them. */
export async function signInMailsTo(email: string, directory = E2E_MAIL_OUTBOX): Promise<Set<string>> {
  return new Set(
    (await readOutbox(directory))
      .filter((mail) => mail.to === email && mail.subject === "Your sign-in link")
      .map((mail) => mail.file),
  );
}

/** The next sign-in e-mail to an address (not one of `seen`): its link (to our page with the button) and its code. */
export async function nextSignInMail(
  email: string,
  seen: Set<string>,
  directory = E2E_MAIL_OUTBOX,
): Promise<{ url: string; code: string; text: string }> {
  const mail = await waitForMail(
    directory,
    (candidate) => candidate.to === email && candidate.subject === "Your sign-in link" && !seen.has(candidate.file),
  );
  const url = /Sign in: (\S+)/.exec(mail.text)?.[1];
  const code = /sign-in page: (\d{3}) (\d{3})$/m.exec(mail.text);
  if (!url || !code) throw new Error(`no sign-in link or code in the e-mail: ${mail.text}`);
  return { url, code: `${code[1]}${code[2]}`, text: mail.text };
}

/** Signs a customer in to the portal as they would: asks for an e-mail, opens its link and presses the button. */
export async function signInToPortal(page: Page, email: string, directory = E2E_MAIL_OUTBOX): Promise<void> {
  const seen = await signInMailsTo(email, directory);
  await page.goto("/portal/sign-in");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
  const { url } = await nextSignInMail(email, seen, directory);
  await page.goto(url);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
}

/** A language's catalogue, as the app reads it: tests expect the words it holds, not copies of them. */
export function catalogueOf(locale: Locale): Messages {
  return JSON.parse(readFileSync(`lib/i18n/messages/${locale}.json`, "utf8")) as Messages;
}

/**
 * Fails on any serious or critical WCAG 2.2 AA violation axe finds on the page as it is now; `what` names the page
 * in the failure, and `exclude` a part axe cannot look into.
 */
export async function expectNoSeriousA11yViolations(
  page: Page,
  what = "page",
  options: { exclude?: string } = {},
): Promise<void> {
  const axe = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]);
  const results = await (options.exclude ? axe.exclude(options.exclude) : axe).analyze();
  const serious = results.violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  expect(
    serious.map(
      (violation) => `${what}: ${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    ),
  ).toEqual([]);
}
