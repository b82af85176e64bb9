import { randomBytes } from "node:crypto";
import path from "node:path";

import Database from "better-sqlite3";

import { expect, test } from "./fixtures";

import { E2E_BASE_URL, E2E_DATABASE_URL, E2E_MAIL_OUTBOX } from "../playwright.config";
import { readOutbox, waitForMail } from "../test/mail-outbox";
import { nextSignInMail, registeredCheckout, signInAsStaff, signInMailsTo } from "./support";

/**
 * Signing in to the portal (docs/contract.md §3.5) against the built app, as a customer and as the mail scanner in
 * front of their inbox would: the link's page and its button, the code on another browser, five tries, the pages
 * of used and expired links, and staff correcting a mistyped address.
 */
const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString("hex")}@example.com`;
const SESSION_COOKIE = /session-token=/;
const masked = (email: string) => `${email[0]}***@example.com`;

/** Asks for a sign-in e-mail as the portal's form does; answers the e-mail's link and code. */
async function askForSignIn(request: import("@playwright/test").APIRequestContext, email: string) {
  const seen = await signInMailsTo(email);
  const response = await request.post("/api/portal/sign-in-link", { data: { email } });
  expect(response.status()).toBe(202);
  return nextSignInMail(email, seen);
}

/** The served app's own database (the e2e server's SQLite file). */
function e2eDatabase(): Database.Database {
  return new Database(path.resolve(E2E_DATABASE_URL.slice("file:".length)));
}

test("a mail scanner fetching a sign-in link with GET and HEAD gets no session and uses nothing up; the person then presses the button and is in", async ({
  page,
  request,
  playwright,
}) => {
  const email = uniqueEmail("scanned");
  await registeredCheckout(request, "--email", email);
  const { url } = await askForSignIn(request, email);
  const token = new URL(url).searchParams.get("token")!;

  // The scanner: no cookies, every method it uses, several times, and next-auth's callback guessed from the token.
  const scanner = await playwright.request.newContext();
  for (const target of [
    url,
    `/api/auth/callback/customer?token=${token}`,
    `/api/auth/signin/customer?token=${token}`,
  ]) {
    for (const method of ["GET", "HEAD", "GET"]) {
      const response = await scanner.fetch(new URL(target, url).href, { method, maxRedirects: 0 });
      expect(response.status(), `${method} ${target}`).toBeLessThan(500);
      expect(response.headers()["set-cookie"] ?? "", `${method} ${target}`).not.toMatch(SESSION_COOKIE);
    }
  }
  await scanner.dispose();
  // A scanner that renders the page, scripts and all, signs in nobody either.
  const rendering = await page.context().browser()!.newContext();
  const scanned = await rendering.newPage();
  await scanned.goto(url);
  await expect(scanned.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  expect((await rendering.cookies()).map((cookie) => cookie.name).join(" ")).not.toMatch(/session-token/);
  await rendering.close();

  // The person: the page names the address (masked), the button signs in.
  await page.goto(url);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to your account" })).toBeVisible();
  await expect(page.getByText(`Sign in as ${masked(email)} on this device?`)).toBeVisible();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: /INV-\d{4}-\d{6}/ })).toHaveCount(1);
});

test("every link of the receipt and the account e-mail, fetched as a scanner would, sets no session and uses nothing up", async ({
  page,
  request,
  playwright,
}) => {
  const email = uniqueEmail("links");
  await registeredCheckout(request, "--email", email);
  const mails = [
    await waitForMail(E2E_MAIL_OUTBOX, (mail) => mail.to === email && /^Your receipt from /.test(mail.subject)),
    await waitForMail(
      E2E_MAIL_OUTBOX,
      (mail) => mail.to === email && /^Your account at .* is ready$/.test(mail.subject),
    ),
  ];
  const links = new Set(
    mails.flatMap((mail) =>
      [...`${mail.text}\n${mail.html}`.matchAll(/(?:href="|src="|\s)(https?:\/\/[^\s"<]+)/g)].map((match) =>
        match[1]!.replaceAll("&amp;", "&"),
      ),
    ),
  );
  expect(links.size).toBeGreaterThan(0);
  const before = (await readOutbox(E2E_MAIL_OUTBOX)).filter((mail) => mail.to === email).length;

  const scanner = await playwright.request.newContext();
  for (const link of links) {
    for (const method of ["GET", "HEAD"]) {
      const response = await scanner.fetch(link, { method, maxRedirects: 0 });
      expect(response.status(), `${method} ${link}`).toBeLessThan(400);
      expect(response.headers()["set-cookie"] ?? "", `${method} ${link}`).not.toMatch(SESSION_COOKIE);
    }
  }
  await scanner.dispose();
  await page.waitForTimeout(1000);
  // Nothing was sent or used up by the fetches: the same mail, and the sign-in still works.
  expect((await readOutbox(E2E_MAIL_OUTBOX)).filter((mail) => mail.to === email)).toHaveLength(before);
  const { url } = await askForSignIn(request, email);
  await page.goto(url);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
});

test("the code from the e-mail signs in on another browser; five wrong codes void it, the right one is refused after, and every refusal reads the same", async ({
  page,
  browser,
}) => {
  const email = uniqueEmail("code");
  await registeredCheckout(page.request, "--email", email);

  // On the laptop: ask for the e-mail; the page that follows offers the code field.
  let seen = await signInMailsTo(email);
  await page.goto("/portal/sign-in");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
  const codeField = page.getByLabel("6-digit code");
  await expect(codeField).toHaveAttribute("autocomplete", "one-time-code");
  await expect(codeField).toHaveAttribute("inputmode", "numeric");
  const first = await nextSignInMail(email, seen);

  // Another browser altogether: the code typed there signs in.
  const other = await browser.newContext();
  const elsewhere = await other.newPage();
  await elsewhere.goto(`/portal/check-email?email=${encodeURIComponent(email)}`);
  await elsewhere.getByLabel("6-digit code").fill(`${first.code.slice(0, 3)} ${first.code.slice(3)}`);
  await elsewhere.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(elsewhere).toHaveURL(/\/portal$/);
  await expect(elsewhere.getByRole("row").filter({ hasText: /INV-\d{4}-\d{6}/ })).toHaveCount(1);
  await other.close();

  // A new e-mail, and five wrong codes on the laptop: each refused in the same words, and then the right one too.
  seen = await signInMailsTo(email);
  await page.goto("/portal/sign-in");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
  const second = await nextSignInMail(email, seen);
  const wrong = (offset: number) => String((Number(second.code) + offset) % 1_000_000).padStart(6, "0");
  const refusal = page.getByRole("alert").filter({ hasText: "That code did not work" });
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel("6-digit code").fill(wrong(attempt));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(refusal).toContainText("A code stops working after five wrong tries");
    await expect(page.getByLabel("6-digit code")).toHaveValue("");
  }
  await page.getByLabel("6-digit code").fill(second.code);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(refusal).toBeVisible();
  await expect(page).toHaveURL(/\/portal\/check-email/);
  // An address with no account is told exactly the same.
  await page.getByLabel("E-mail address").fill(uniqueEmail("nobody"));
  await page.getByLabel("6-digit code").fill(second.code);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(refusal).toBeVisible();
  // Its link is void with it.
  await page.goto(second.url);
  await expect(page.getByRole("heading", { name: "This sign-in link no longer works" })).toBeVisible();
});

test("a used link and an expired link each say so in words, and lead to a new link that works", async ({
  page,
  request,
}) => {
  const email = uniqueEmail("used");
  await registeredCheckout(request, "--email", email);

  // Used: signed in once, signed out, opened again.
  const used = await askForSignIn(request, email);
  await page.goto(used.url);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/portal\/sign-in/);
  await page.goto(used.url);
  await expect(page.getByRole("heading", { name: "This sign-in link was already used" })).toBeVisible();
  await expect(page.getByText(`We can e-mail a new one to ${masked(email)}.`)).toBeVisible();
  let seen = await signInMailsTo(email);
  await page.getByRole("button", { name: "E-mail me a new link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "new e-mail" })).toHaveText(
    `If the address still has an account, a new e-mail is on its way to ${masked(email)}.`,
  );
  const fresh = await nextSignInMail(email, seen);
  expect(fresh.url).not.toBe(used.url);

  // Expired: the e-mail's time has passed (its challenge made to expire when it was made).
  const database = e2eDatabase();
  database
    .prepare(
      `UPDATE "SignInChallenge" SET "expiresAt" = "createdAt" WHERE "tokenHash" = (SELECT "tokenHash" FROM "SignInChallenge" WHERE "email" = ? ORDER BY "id" DESC LIMIT 1)`,
    )
    .run(email);
  database.close();
  await page.goto(fresh.url);
  await expect(page.getByRole("heading", { name: "This sign-in link has expired" })).toBeVisible();
  seen = await signInMailsTo(email);
  await page.getByRole("button", { name: "E-mail me a new link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "new e-mail" })).toContainText("a new e-mail is on its way");
  const newest = await nextSignInMail(email, seen);
  await page.goto(newest.url);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);

  // A link that is not ours says so, and next-auth's own error page is never what a customer sees.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/portal\/sign-in/);
  await page.goto("/portal/sign-in/link?token=not-a-real-token");
  await expect(page.getByRole("heading", { name: "This sign-in link does not work" })).toBeVisible();
  await page.goto("/api/auth/error?error=Verification");
  await expect(page).toHaveURL(/\/portal\/sign-in/);
});

test("another site's page cannot make a visitor's browser ask for sign-in e-mails, and a form post is refused", async ({
  request,
}) => {
  const email = uniqueEmail("cross-site");
  await registeredCheckout(request, "--email", email);
  const seen = await signInMailsTo(email);
  const foreign = await request.post("/api/portal/sign-in-link", {
    data: { email },
    headers: { origin: "https://evil.example" },
  });
  expect(foreign.status()).toBe(403);
  expect(await foreign.json()).toMatchObject({ code: "cross_site_request" });
  const form = await request.post("/api/portal/sign-in-link", {
    data: JSON.stringify({ email }),
    headers: { "content-type": "text/plain" },
  });
  expect(form.status()).toBe(400);
  await expect(
    waitForMail(
      E2E_MAIL_OUTBOX,
      (mail) => mail.to === email && !seen.has(mail.file) && mail.subject === "Your sign-in link",
      1500,
    ),
  ).rejects.toThrow(/no matching mail/);
  // next-auth's forms with a callbackUrl that is not ours: refused or ignored, never a 500.
  for (const callbackUrl of [
    "javascript:alert(1)",
    "not a url",
    "http://127.0.0.1:3210.evil.example/x",
    "//evil.example",
  ]) {
    for (const path of ["/api/auth/session", "/api/auth/csrf"]) {
      expect(
        (await request.get(`${path}?callbackUrl=${encodeURIComponent(callbackUrl)}`)).status(),
        `${path} ${callbackUrl}`,
      ).toBe(200);
    }
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const signIn = await request.post("/api/auth/callback/customer", {
      form: { csrfToken, token: "not-a-token", callbackUrl, json: "true" },
      maxRedirects: 0,
    });
    expect(signIn.status(), callbackUrl).toBeLessThan(500);
    expect(signIn.headers()["set-cookie"] ?? "").not.toMatch(SESSION_COOKIE);
    // Nor in the query of the POST, where nothing of ours puts one.
    const query = `?callbackUrl=${encodeURIComponent(callbackUrl)}`;
    for (const path of ["/api/auth/callback/customer", "/api/auth/callback/staff", "/api/auth/signout"]) {
      const answer = await request.post(`${path}${query}`, {
        form: { csrfToken, token: "not-a-token", json: "true" },
        maxRedirects: 0,
      });
      expect(answer.status(), `${path}${query}`).toBeLessThan(500);
    }
  }
  // Nor a callback-URL cookie someone else set, nor one a header cannot carry.
  for (const cookie of ["javascript:alert(1)", "foo"]) {
    for (const path of ["/api/auth/csrf", "/api/auth/session", "/api/auth/providers", "/portal/sign-in"]) {
      const answer = await request.get(path, {
        headers: { cookie: `next-auth.callback-url=${encodeURIComponent(cookie)}` },
      });
      expect(answer.status(), `${path} with cookie ${cookie}`).toBe(200);
    }
  }
  for (const callbackUrl of ["/€", "/\n/x", "/\r/x"]) {
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const signOut = await request.post("/api/auth/signout", {
      form: { csrfToken, callbackUrl, json: "true" },
      maxRedirects: 0,
    });
    expect(signOut.status(), JSON.stringify(callbackUrl)).toBeLessThan(500);
  }
  // A NUL in the address is refused like any wrong code, on either database.
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const nul = await request.post("/api/auth/callback/customer", {
    form: { csrfToken, email: "a\u0000@example.com", code: "123456", json: "true" },
    maxRedirects: 0,
  });
  expect(nul.status()).toBeLessThan(500);
  expect(JSON.stringify(await nul.json())).toContain("error=code_refused");
  // next-auth's error URL leads to our sign-in page, on the address the client used (not the one the server listens on).
  for (const error of ["%E2%82%AC", "%E0%A4%A", "Verification"]) {
    const answer = await request.get(`/api/auth/error?error=${error}`, { maxRedirects: 0 });
    expect(answer.status(), error).toBe(302);
    expect(new URL(answer.headers().location ?? "", E2E_BASE_URL).href, error).toBe(
      `${E2E_BASE_URL}/portal/sign-in?error=signin`,
    );
  }
});

test("staff correct a mistyped address: the receipt goes to the right one, whose portal lists the invoice, the wrong one's does not, and the audit names them", async ({
  page,
  browser,
  request,
}) => {
  const mistyped = uniqueEmail("mistyped");
  const right = uniqueEmail("right");
  const checkout = await registeredCheckout(request, "--email", mistyped);

  await signInAsStaff(page);
  await page.goto("/staff?status=registered");
  await page.getByRole("row").filter({ hasText: mistyped }).getByRole("link").first().click();
  await page.getByLabel("Right e-mail address").fill(right);
  await page.getByRole("button", { name: "Change the address" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Changed to ${right}.` })).toBeVisible();
  const audit = page
    .getByRole("listitem")
    .filter({ hasText: `E-mail address corrected from ${mistyped} to ${right}.` });
  await expect(audit).toContainText("You");

  const receipt = await waitForMail(
    E2E_MAIL_OUTBOX,
    (mail) => mail.to === right && /^Your receipt from /.test(mail.subject),
  );
  expect(receipt.attachments.map((attachment) => attachment.contentType)).toEqual(["application/pdf"]);

  const rightOne = await browser.newContext();
  const rightPage = await rightOne.newPage();
  const { url } = await askForSignIn(rightOne.request, right);
  await rightPage.goto(url);
  await rightPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(rightPage).toHaveURL(/\/portal$/);
  await expect(rightPage.getByRole("row").filter({ hasText: /INV-\d{4}-\d{6}/ })).toHaveCount(1);
  await rightOne.close();

  // The wrong address had access through this checkout alone: it is gone, and no sign-in e-mail goes there.
  const seen = await signInMailsTo(mistyped);
  expect((await request.post("/api/portal/sign-in-link", { data: { email: mistyped } })).status()).toBe(202);
  await expect(
    waitForMail(
      E2E_MAIL_OUTBOX,
      (mail) => mail.to === mistyped && mail.subject === "Your sign-in link" && !seen.has(mail.file),
      2000,
    ),
  ).rejects.toThrow(/no matching mail/);
  expect(checkout.invoiceId).toBeGreaterThan(0);
});
