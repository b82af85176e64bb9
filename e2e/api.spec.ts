import { expect, test } from "./fixtures";

import { readPdf } from "../test/pdf-text";
import { demoCheckout } from "./support";

const registerUrl = (invoiceId: number | string, token: string) =>
  `/api/public/billing/invoices/${invoiceId}/registerByToken?token=${encodeURIComponent(token)}`;

test("the built app reports itself healthy", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});

test("a paid demo checkout registers once over HTTP, and the second call is refused as used", async ({ request }) => {
  const checkout = demoCheckout("--email", "e2e.guest@example.com");

  const first = await request.post(registerUrl(checkout.invoiceId, checkout.basketSession), { data: {} });
  expect(first.status()).toBe(200);
  expect(first.headers()["cache-control"]).toBe("no-store");
  const body = (await first.json()) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(["Token"]);
  expect(String(body.Token).split(".")).toHaveLength(3);

  const second = await request.post(registerUrl(checkout.invoiceId, checkout.basketSession), { data: {} });
  expect(second.status()).toBe(401);
  expect(second.headers()["content-type"]).toBe("application/problem+json");
  expect(await second.json()).toMatchObject({ status: 401, code: "basket_token_used" });
});

test("the served endpoint answers bad input with problem details, never a 500", async ({ request }) => {
  const checkout = demoCheckout();
  const cases: [string, number, string][] = [
    [`/api/public/billing/invoices/${checkout.invoiceId}/registerByToken`, 401, "basket_token_invalid"],
    [registerUrl(checkout.invoiceId, "not-a-guid"), 401, "basket_token_invalid"],
    [registerUrl("abc", checkout.basketSession), 404, "invoice_not_found"],
    [registerUrl("99999999999999999999", checkout.basketSession), 404, "invoice_not_found"],
    [registerUrl(checkout.invoiceId, demoCheckout().basketSession), 404, "invoice_not_found"],
    [registerUrl(demoCheckout("--unpaid").invoiceId, checkout.basketSession), 404, "invoice_not_found"],
  ];
  for (const [url, status, code] of cases) {
    const response = await request.post(url, { data: "not json", headers: { "content-type": "text/plain" } });
    expect({ url, status: response.status(), code: ((await response.json()) as { code?: string }).code }).toEqual({
      url,
      status,
      code,
    });
  }

  const unpaid = demoCheckout("--unpaid");
  const pending = await request.post(registerUrl(unpaid.invoiceId, unpaid.basketSession), { data: {} });
  expect(pending.status()).toBe(409);
  expect(Number(pending.headers()["retry-after"])).toBeGreaterThanOrEqual(1);

  const expired = demoCheckout("--expired");
  const late = await request.post(registerUrl(expired.invoiceId, expired.basketSession), { data: {} });
  expect(await late.json()).toMatchObject({ status: 401, code: "basket_token_expired" });
});

test("the home page renders in Chromium without errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Billing portal" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Book your space" })).toHaveAttribute("href", "/checkout");
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  expect(errors.filter((error) => !error.includes("404"))).toEqual([]);
});

test("an unknown API address answers 404 with problem details", async ({ request }) => {
  for (const url of [
    "/api/nope",
    "/api/public/billing/invoices/1/registerByTokens",
    "/api/public/billing/invoices/%2e%2e/registerByToken",
  ]) {
    const response = await request.post(url, { data: {} });
    expect(response.status(), url).toBe(404);
    expect(response.headers()["content-type"], url).toBe("application/problem+json");
  }
});

test("the registered token downloads the invoice PDF and its summary from the built app", async ({ request }) => {
  const checkout = demoCheckout("--name", "Zoë Łukasiewicz", "--email", "zoe.e2e@example.com");
  const { Token: token } = (await (
    await request.post(registerUrl(checkout.invoiceId, checkout.basketSession), { data: {} })
  ).json()) as {
    Token: string;
  };

  const pdf = await request.get(`/api/public/billing/invoices/${checkout.invoiceId}/pdfByToken?token=${token}`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.headers()["content-disposition"]).toMatch(/^attachment; filename="INV-\d{4}-\d{6}\.pdf"$/);
  const { text } = readPdf(await pdf.body());
  expect(text).toContain("Zoë Łukasiewicz");
  expect(text).toContain("Hive & Desk Coworking");
  expect(text).toMatch(/Total paid\s+£30\.00/);

  const summary = await request.get(`/api/public/billing/invoices/${checkout.invoiceId}/summaryByToken`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(await summary.json()).toMatchObject({
    invoiceId: checkout.invoiceId,
    totalMinor: 3000,
    customerName: "Zoë Łukasiewicz",
    customerEmail: "zoe.e2e@example.com",
    paymentCard: { brand: "visa", last4: "4242" },
  });

  const other = await request.get(`/api/public/billing/invoices/${checkout.invoiceId + 1}/pdfByToken?token=${token}`);
  expect(other.status()).toBe(404);
  const none = await request.get(`/api/public/billing/invoices/${checkout.invoiceId}/pdfByToken`);
  expect(await none.json()).toMatchObject({ status: 401, code: "invoice_token_invalid" });
});

test("the built app serves its OpenAPI 3.1 description, and /docs/api draws it from this origin alone, within the CSP", async ({
  page,
  request,
}) => {
  const described = await request.get("/api/openapi.json");
  expect(described.status()).toBe(200);
  const document = (await described.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(document.openapi).toBe("3.1.0");
  expect(Object.keys(document.paths)).toContain("/api/public/billing/invoices/{invoiceId}/registerByToken");

  const elsewhere: string[] = [];
  page.on("request", (sent) => {
    if (!sent.url().startsWith(new URL(described.url()).origin) && !sent.url().startsWith("data:"))
      elsewhere.push(sent.url());
  });
  const response = await page.goto("/docs/api");
  expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
  await expect(page.getByRole("heading", { name: "Guest checkout completion API" })).toBeVisible({ timeout: 20_000 });
  for (const summary of [
    "Register the guest of a paid checkout",
    "Download the invoice PDF with an invoice token",
    "Place and pay a guest's order",
  ]) {
    await expect(page.getByText(summary).first()).toBeVisible();
  }
  await expect(page.getByText("ErrorCode").first()).toBeVisible();
  // It describes; it sends nothing: no request client, no "Test Request" on any operation.
  await expect(page.getByRole("button", { name: /Test Request|Open API Client/i })).toHaveCount(0);
  expect(elsewhere, "requests that left the origin").toEqual([]);
  await page.screenshot({ path: "e2e-screenshots/docs-api-1280.png" });
});
