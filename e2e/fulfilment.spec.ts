import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

import { Webhook } from "standardwebhooks";

import { expect, test } from "./fixtures";

import { readOutbox, waitForMail, type OutboxMail } from "../test/mail-outbox";
import { readPdf } from "../test/pdf-text";
import { createDatabase, providers, startBuiltServer, type BuiltServer, type TestDatabase } from "./built-server";
import { lookAt } from "./layout";
import { nextSignInMail } from "./support";
import { registerOnce, submitCheckout, Tally, TEST_CARDS, type CheckoutAnswer, type PaidCheckout } from "./traffic";

/**
 * Fulfilment without the guest's browser (docs/contract.md §3.7), against the built app (`next start`) on a database
 * of its own: the receipt at payment, the server's registration after the grace period, the link that still works
 * once afterwards, payments confirmed later by the provider's webhook, the reconciler after a kill -9, and several
 * instances registering each checkout once. Short settings make minutes of the app's time seconds of the test's.
 */
const GRACE_SECONDS = 2;
const RECONCILE_SECONDS = 8;
const INTERVAL_MS = 500;
/** Every request of these tests comes from 127.0.0.1: no limit may refuse it. */
const UNLIMITED = {
  RATE_LIMIT_IP_POINTS: "100000000",
  RATE_LIMIT_TOKEN_POINTS: "100000000",
  RATE_LIMIT_CHECKOUT_POINTS: "100000000",
};
const SETTINGS = {
  ...UNLIMITED,
  FULFILMENT_GRACE_SECONDS: String(GRACE_SECONDS),
  PAYMENT_RECONCILE_AFTER_SECONDS: String(RECONCILE_SECONDS),
  BACKGROUND_INTERVAL_MS: String(INTERVAL_MS),
};
/** What a deadline of the app may take beyond itself on a loaded machine: a round of the loop, the work, the mail worker. */
const MARGIN_MS = 5_000;
/** The test provider confirms card 3220 this long after the charge (TEST_PROVIDER_SETTLE_DELAY_MS). */
const SETTLE_DELAY_MS = 4_000;

/** Ports 3441–3449 are this spec's; each test has its own, the same on every provider (the tests run one by one). */
const PORTS = {
  unattended: 3441,
  lateCard: 3442,
  killedBeforeConfirmation: 3443,
  killedAfterCharge: 3444,
  burst: 3445,
  sixSubmissions: 3446,
  twoInstances: [3447, 3448],
  webhooks: 3449,
} as const;

const root = path.join(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uniqueEmail = (label: string) => `${label}-${randomBytes(5).toString("hex")}@example.com`;
const RECEIPT = /^Your receipt from /;
const NEW_ACCOUNT = /^Your account at .* is ready$/;
const SUCCESS_HEADING = "Thank you — you’re all set";

/** A DateTime column as either driver answers it (SQLite: ISO text or epoch ms; PostgreSQL: a Date), in ms. */
function millis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  if (typeof value === "string")
    return /^\d+$/.test(value)
      ? Number(value)
      : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
  throw new Error(`not a time: ${String(value)}`);
}

/** Polls `probe` until it answers something truthy; fails with `what` (and the last answer) at `deadline` (epoch ms). */
async function waitUntil<T>(
  what: string,
  deadline: number,
  probe: () => Promise<T | null | undefined | false>,
): Promise<T> {
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last) return last as T;
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not by the deadline (${new Date(deadline).toISOString()}); last: ${JSON.stringify(last)}`,
      );
    await sleep(200);
  }
}

/** Every e-mail of these folders (several servers' outboxes), parsed. */
async function mailIn(...directories: string[]): Promise<OutboxMail[]> {
  return (await Promise.all(directories.map((directory) => readOutbox(directory)))).flat();
}

interface BasketRow {
  id: number;
  status: string;
  guestEmail: string;
  consumedAt: unknown;
  registeredBy: string | null;
  redeemedAt: unknown;
  fulfilAt: unknown;
}

interface PaymentRow {
  id: number;
  invoiceId: number;
  reference: string;
  status: string;
  chargeStatus: string | null;
}

/** The reads these tests make, the same SQL on both providers; the ids and addresses in them are the tests' own. */
function queries(database: TestDatabase) {
  const count = async (sql: string) => Number((await database.rows<{ n: unknown }>(sql))[0]?.n ?? 0);
  return {
    count,
    async productId(): Promise<number> {
      const [product] = await database.rows<{ id: number }>(
        `SELECT "id" FROM "Product" WHERE "active" = ${database.provider === "sqlite" ? 1 : "true"} ORDER BY "id" LIMIT 1`,
      );
      if (!product) throw new Error("the seeded database has no product");
      return Number(product.id);
    },
    async basket(invoiceId: number): Promise<BasketRow> {
      const [row] = await database.rows<BasketRow>(
        `SELECT "id", "status", "guestEmail", "consumedAt", "registeredBy", "redeemedAt", "fulfilAt" FROM "BasketSession" WHERE "invoiceId" = ${invoiceId}`,
      );
      if (!row) throw new Error(`invoice ${invoiceId} has no basket session`);
      return { ...row, id: Number(row.id) };
    },
    async invoice(invoiceId: number): Promise<{ number: string | null; customerId: number | null; paidAt: unknown }> {
      const [row] = await database.rows<{ number: string | null; customerId: number | null; paidAt: unknown }>(
        `SELECT "number", "customerId", "paidAt" FROM "Invoice" WHERE "id" = ${invoiceId}`,
      );
      if (!row) throw new Error(`no invoice ${invoiceId}`);
      return { ...row, customerId: row.customerId === null ? null : Number(row.customerId) };
    },
    /** The invoice's payments with what the test provider's own ledger says of each charge. */
    async payments(where = "1 = 1"): Promise<PaymentRow[]> {
      const rows = await database.rows<PaymentRow>(`
        SELECT p."id", p."invoiceId", p."reference", p."status", c."status" AS "chargeStatus"
        FROM "Payment" p LEFT JOIN "TestProviderCharge" c ON c."reference" = p."reference"
        WHERE ${where} ORDER BY p."id"`);
      return rows.map((row) => ({ ...row, id: Number(row.id), invoiceId: Number(row.invoiceId) }));
    },
    async customers(
      email: string,
    ): Promise<{ id: number; portalAccessGrantedAt: unknown; portalAccessBasketSessionId: number | null }[]> {
      const rows = await database.rows<{
        id: number;
        portalAccessGrantedAt: unknown;
        portalAccessBasketSessionId: number | null;
      }>(
        `SELECT "id", "portalAccessGrantedAt", "portalAccessBasketSessionId" FROM "Customer" WHERE "email" = '${email}'`,
      );
      return rows.map((row) => ({
        ...row,
        id: Number(row.id),
        portalAccessBasketSessionId:
          row.portalAccessBasketSessionId === null ? null : Number(row.portalAccessBasketSessionId),
      }));
    },
    async audits(basketSessionId: number): Promise<{ type: string; actor: string }[]> {
      return database.rows<{ type: string; actor: string }>(
        `SELECT "type", "actor" FROM "AuditEvent" WHERE "basketSessionId" = ${basketSessionId} ORDER BY "id"`,
      );
    },
    async outbox(recipient: string): Promise<{ kind: string; status: string }[]> {
      return database.rows<{ kind: string; status: string }>(
        `SELECT "kind", "status" FROM "OutboxMessage" WHERE "recipient" = '${recipient}' ORDER BY "id"`,
      );
    },
  };
}

/** The rows of a checkout the server registered, checked as §3.7 says: customer, portal access, link, one audit, one e-mail. */
async function expectRegisteredByServer(
  database: TestDatabase,
  invoiceId: number,
  email: string,
): Promise<{ basket: BasketRow; customerId: number }> {
  const q = queries(database);
  const basket = await q.basket(invoiceId);
  expect(basket, `basket of invoice ${invoiceId}`).toMatchObject({
    status: "registered",
    registeredBy: "server",
    redeemedAt: null,
    fulfilAt: null,
  });
  const invoice = await q.invoice(invoiceId);
  // Not before the grace period: the server waits FULFILMENT_GRACE_SECONDS after the payment for a page to register.
  expect(millis(basket.consumedAt) - millis(invoice.paidAt)).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 1);
  const customers = await q.customers(email);
  expect(customers, `customers with ${email}`).toHaveLength(1);
  const [customer] = customers;
  expect(customer!.portalAccessGrantedAt).not.toBeNull();
  expect(customer!.portalAccessBasketSessionId).toBe(basket.id);
  expect(invoice.customerId).toBe(customer!.id);
  const succeeded = (await q.audits(basket.id)).filter((audit) => audit.type === "registration.succeeded");
  expect(succeeded).toEqual([{ type: "registration.succeeded", actor: "system" }]);
  const accountMail = (await q.outbox(email)).filter((mail) => mail.kind.startsWith("registration."));
  expect(accountMail.map((mail) => mail.kind)).toEqual(["registration.new_customer"]);
  return { basket, customerId: customer!.id };
}

/** The receipt e-mail: the invoice PDF attached, whose text holds the invoice number. */
async function expectReceipt(
  mailDir: string,
  email: string,
  invoiceNumber: string,
  timeoutMs: number,
): Promise<OutboxMail> {
  const receipt = await waitForMail(mailDir, (mail) => mail.to === email && RECEIPT.test(mail.subject), timeoutMs);
  expect(receipt.attachments.map((attachment) => attachment.contentType)).toEqual(["application/pdf"]);
  expect(receipt.attachments[0]!.filename).toBe(`${invoiceNumber}.pdf`);
  expect(readPdf(receipt.attachments[0]!.content).text).toContain(invoiceNumber);
  expect(receipt.text).toContain(invoiceNumber);
  return receipt;
}

/** The .eml files of these folders for one address, by subject. */
async function mailSubjectsFor(email: string, ...directories: string[]): Promise<string[]> {
  return (await mailIn(...directories)).filter((mail) => mail.to === email).map((mail) => mail.subject);
}

/** How many of these subjects are receipts, account e-mails, sign-in links and anything else. */
function kindsOf(subjects: string[]): { receipt: number; account: number; signIn: number; other: number } {
  const receipt = subjects.filter((subject) => RECEIPT.test(subject)).length;
  const account = subjects.filter((subject) => NEW_ACCOUNT.test(subject)).length;
  const signIn = subjects.filter((subject) => subject === "Your sign-in link").length;
  return { receipt, account, signIn, other: subjects.length - receipt - account - signIn };
}

function expectPaid(answer: CheckoutAnswer, status: "paid" | "pending"): PaidCheckout {
  expect(answer.outcome, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body?.status).toBe(status);
  expect(answer.link).not.toBeNull();
  return answer.link!;
}

for (const provider of providers()) {
  test.describe(`fulfilment without the guest's browser on ${provider}`, () => {
    test.describe.configure({ timeout: 150_000 });
    let database: TestDatabase;
    let servers: BuiltServer[] = [];
    let mailDirs: string[] = [];
    let tally: Tally;

    /** A mail folder of the test's own (the default one would outlive the test). */
    const newMailDir = () => {
      const dir = path.join(root, ".data", "e2e-built", `fulfilment-mail-${randomUUID()}`);
      mkdirSync(dir, { recursive: true });
      mailDirs.push(dir);
      return dir;
    };
    const start = async (port: number, options: { mailDir?: string; env?: Record<string, string> } = {}) => {
      const server = await startBuiltServer({
        database,
        port,
        mailDir: options.mailDir ?? newMailDir(),
        env: { ...SETTINGS, ...options.env },
      });
      servers.push(server);
      return server;
    };

    test.beforeEach(async () => {
      database = await createDatabase(provider, "fulfilment");
      tally = new Tally();
    });

    test.afterEach(async ({}, testInfo) => {
      if (testInfo.status !== testInfo.expectedStatus) {
        for (const [index, server] of servers.entries())
          await testInfo.attach(`server ${index + 1} output`, { body: server.output() });
        await testInfo.attach("requests", { body: tally.toString() });
      }
      for (const server of servers) await server.stop();
      servers = [];
      for (const dir of mailDirs) rmSync(dir, { recursive: true, force: true });
      mailDirs = [];
      await database.drop();
    });

    test.describe("a guest who never opens the completion page", () => {
      test.use({ baseURL: `http://127.0.0.1:${PORTS.unattended}` });

      test("a paid checkout whose completion page is never loaded gets its receipt, then the server registers the guest, who signs in to the portal, and the link still shows success once", async ({
        page,
      }) => {
        const server = await start(PORTS.unattended);
        const q = queries(database);
        const email = uniqueEmail("unattended");
        const paidAt = Date.now();
        const link = expectPaid(
          await submitCheckout(tally, server.baseUrl, {
            productId: await q.productId(),
            email,
            card: TEST_CARDS.pays,
            fullName: "Unattended Guest",
          }),
          "paid",
        );
        const { number } = await q.invoice(link.invoiceId);
        expect(number).toMatch(/^INV-\d{4}-\d{6}$/);

        // The receipt, queued with the payment: the invoice PDF attached, a link to the portal's sign-in for this address.
        const receipt = await expectReceipt(server.mailDir, email, number!, 15_000);
        const signInPage = /Sign in to your account: (\S+)/.exec(receipt.text)?.[1];
        expect(signInPage).toBe(`${server.baseUrl}/portal/sign-in?email=${encodeURIComponent(email)}`);

        // After the grace period, the server registers the guest itself.
        await waitUntil(
          "the server registered the checkout",
          paidAt + GRACE_SECONDS * 1000 + MARGIN_MS,
          async () => (await q.basket(link.invoiceId)).consumedAt,
        );
        const { basket } = await expectRegisteredByServer(database, link.invoiceId, email);
        await waitForMail(server.mailDir, (mail) => mail.to === email && NEW_ACCOUNT.test(mail.subject), 15_000);

        // The guest signs in through the receipt's link and the e-mailed sign-in link, and sees the invoice.
        await page.goto(signInPage!);
        await expect(page.getByRole("heading", { level: 1, name: "Sign in to your account" })).toBeVisible();
        await expect(page.getByLabel("E-mail address")).toHaveValue(email);
        await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
        await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
        const { url } = await nextSignInMail(email, new Set(), server.mailDir);
        await page.goto(url);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await expect(page).toHaveURL(/\/portal$/);
        await expect(page.getByRole("heading", { level: 1, name: "Your invoices" })).toBeVisible();
        const row = page.getByRole("row").filter({ hasText: number! });
        await expect(row).toHaveCount(1);
        await expect(row).toContainText("Paid");
        await expect(page.getByRole("row").filter({ hasText: /INV-\d{4}-\d{6}/ })).toHaveCount(1);

        // The completion page, opened only now, still shows success and the download: the link's first redemption.
        const keys: string[] = [];
        page.on("request", (request) => {
          if (request.url().includes("/registerByToken")) keys.push(request.headers()["idempotency-key"] ?? "");
        });
        await page.goto(`/checkout/complete?invoiceId=${link.invoiceId}&basketSession=${link.basketSession}`);
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(SUCCESS_HEADING);
        await expect(page.getByRole("region", { name: "Receipt" })).toContainText(number!);
        const download = page.getByRole("link", { name: "Download invoice (PDF)" });
        await expect(download).toBeVisible();
        const downloading = page.waitForEvent("download");
        await download.click();
        const pdf = await downloading;
        expect(pdf.suggestedFilename()).toBe(`${number}.pdf`);
        expect(readPdf(readFileSync(await pdf.path())).text).toContain("Unattended Guest");
        await lookAt(page, "complete-success-registered-by-server");
        expect(keys).toHaveLength(1);

        const redeemed = await q.basket(link.invoiceId);
        expect(redeemed.redeemedAt).not.toBeNull();
        expect((await q.audits(basket.id)).filter((audit) => audit.type.startsWith("registration."))).toEqual([
          { type: "registration.succeeded", actor: "system" },
          { type: "registration.redeemed", actor: "guest" },
        ]);

        // The link is used now: the next call with the GUID is refused, unless it carries the page's key (a replay).
        expect(await registerOnce(tally, server.baseUrl, link)).toMatchObject({
          outcome: 401,
          code: "basket_token_used",
        });
        expect(await registerOnce(tally, server.baseUrl, link, { idempotencyKey: randomUUID() })).toMatchObject({
          outcome: 401,
          code: "basket_token_used",
        });
        const replay = await registerOnce(tally, server.baseUrl, link, { idempotencyKey: keys[0] });
        expect(replay.outcome).toBe(200);
        expect(replay.token).toMatch(/^eyJ/);

        // Two e-mails for the purchase, the receipt and the account e-mail, sign-in links aside; nothing registered twice.
        expect(kindsOf(await mailSubjectsFor(email, server.mailDir))).toEqual({
          receipt: 1,
          account: 1,
          signIn: 1,
          other: 0,
        });
        expect((await q.audits(basket.id)).filter((audit) => audit.type === "registration.succeeded")).toHaveLength(1);
        expect(tally.failures()).toEqual([]);
      });
    });

    test("a late-confirmed card while no client polls gets its receipt once the provider's event arrives, then the server registers the guest", async () => {
      const server = await start(PORTS.lateCard);
      const q = queries(database);
      const email = uniqueEmail("late-card");
      const placedAt = Date.now();
      const link = expectPaid(
        await submitCheckout(tally, server.baseUrl, {
          productId: await q.productId(),
          email,
          card: TEST_CARDS.confirmsLater,
        }),
        "pending",
      );
      const [payment] = await q.payments(`p."invoiceId" = ${link.invoiceId}`);
      expect(payment).toMatchObject({ status: "confirming", chargeStatus: "pending" });
      expect((await q.invoice(link.invoiceId)).number).toBeNull();

      // The provider's webhook event confirms it a few seconds later, long before the reconciler would ask.
      await waitUntil(
        "the payment succeeded",
        placedAt + SETTLE_DELAY_MS + MARGIN_MS,
        async () => (await q.payments(`p."invoiceId" = ${link.invoiceId}`))[0]?.status === "succeeded",
      );
      expect(
        await q.count(
          `SELECT COUNT(*) AS "n" FROM "PaymentEvent" WHERE "reference" = '${payment!.reference}' AND "type" = 'charge.succeeded'`,
        ),
      ).toBe(1);
      const { number } = await q.invoice(link.invoiceId);
      expect(number).toMatch(/^INV-\d{4}-\d{6}$/);
      await expectReceipt(server.mailDir, email, number!, placedAt + SETTLE_DELAY_MS + MARGIN_MS - Date.now());

      await waitUntil(
        "the server registered the checkout",
        placedAt + SETTLE_DELAY_MS + GRACE_SECONDS * 1000 + MARGIN_MS,
        async () => (await q.basket(link.invoiceId)).consumedAt,
      );
      const { basket } = await expectRegisteredByServer(database, link.invoiceId, email);
      // Nobody asked: no registerByToken call reached the server before it registered the guest.
      expect(
        (await q.audits(basket.id)).filter(
          (audit) => audit.type.startsWith("registration.") && audit.actor === "guest",
        ),
      ).toEqual([]);
      await waitForMail(server.mailDir, (mail) => mail.to === email && NEW_ACCOUNT.test(mail.subject), 15_000);

      // The link then still gets its one token.
      expect(await registerOnce(tally, server.baseUrl, link)).toMatchObject({
        outcome: 200,
        token: expect.stringMatching(/^eyJ/),
      });
      expect(await registerOnce(tally, server.baseUrl, link)).toMatchObject({
        outcome: 401,
        code: "basket_token_used",
      });
      expect(kindsOf(await mailSubjectsFor(email, server.mailDir))).toEqual({
        receipt: 1,
        account: 1,
        signIn: 0,
        other: 0,
      });
    });

    test("a late-confirmed card whose server is killed before the confirmation is settled after a restart within the reconciliation deadline, and its guest gets the receipt and the account", async () => {
      const mailDir = newMailDir();
      const first = await start(PORTS.killedBeforeConfirmation, { mailDir });
      const q = queries(database);
      const email = uniqueEmail("killed-pending");
      const placedAt = Date.now();
      const link = expectPaid(
        await submitCheckout(tally, first.baseUrl, {
          productId: await q.productId(),
          email,
          card: TEST_CARDS.confirmsLater,
        }),
        "pending",
      );
      await first.kill9();
      expect(await q.payments(`p."invoiceId" = ${link.invoiceId}`)).toMatchObject([
        { status: "confirming", chargeStatus: "pending" },
      ]);

      const second = await start(PORTS.killedBeforeConfirmation, { mailDir });
      const deadline = Math.max(placedAt + RECONCILE_SECONDS * 1000, Date.now()) + MARGIN_MS;
      const settled = await waitUntil("the payment settled", deadline, async () => {
        const [payment] = await q.payments(`p."invoiceId" = ${link.invoiceId}`);
        return payment && (payment.status === "succeeded" || payment.status === "declined") ? payment : null;
      });
      // The provider's ledger outlived the kill: it confirmed the charge (4 s) before the reconciler's deadline (8 s),
      // and the app recorded exactly that.
      expect(settled).toMatchObject({ status: "succeeded", chargeStatus: "succeeded" });
      const { number } = await q.invoice(link.invoiceId);
      expect(number).toMatch(/^INV-\d{4}-\d{6}$/);
      await expectReceipt(mailDir, email, number!, 15_000);
      await waitUntil(
        "the server registered the checkout",
        Date.now() + GRACE_SECONDS * 1000 + MARGIN_MS,
        async () => (await q.basket(link.invoiceId)).consumedAt,
      );
      await expectRegisteredByServer(database, link.invoiceId, email);
      await waitForMail(mailDir, (mail) => mail.to === email && NEW_ACCOUNT.test(mail.subject), 15_000);
      expect(await registerOnce(tally, second.baseUrl, link)).toMatchObject({ outcome: 200 });
    });

    test("a charge the provider made before the server died unrecorded is recorded by the restarted server within the deadline: invoice numbered, receipt and account", async () => {
      const mailDir = newMailDir();
      const faulty = await start(PORTS.killedAfterCharge, { mailDir, env: { FAULT_INJECTION: "exit-after-charge" } });
      const q = queries(database);
      const productId = await q.productId();
      const email = uniqueEmail("killed-charged");
      const orderKey = randomUUID();
      const placedAt = Date.now();
      const answer = await submitCheckout(tally, faulty.baseUrl, { productId, email, card: TEST_CARDS.pays, orderKey });
      expect(answer.outcome).toBe("error");
      await Promise.race([
        faulty.exited(),
        sleep(10_000).then(() => Promise.reject(new Error("the server did not kill itself"))),
      ]);
      expect(faulty.output()).toContain("FAULT_INJECTION: killing the process after the provider charged");

      // Charged at the provider, not recorded here.
      const [charged] = await q.payments(`1 = 1`);
      expect(charged).toMatchObject({ status: "processing", chargeStatus: "succeeded" });
      expect((await q.invoice(charged!.invoiceId)).number).toBeNull();
      expect(await q.outbox(email)).toEqual([]);

      const server = await start(PORTS.killedAfterCharge, { mailDir });
      const deadline = Math.max(placedAt + RECONCILE_SECONDS * 1000, Date.now()) + MARGIN_MS;
      await waitUntil(
        "the reconciler recorded the charge",
        deadline,
        async () => (await q.payments(`1 = 1`))[0]?.status === "succeeded",
      );
      const { number } = await q.invoice(charged!.invoiceId);
      expect(number).toMatch(/^INV-\d{4}-\d{6}$/);
      await expectReceipt(mailDir, email, number!, 15_000);
      await waitUntil(
        "the server registered the checkout",
        Date.now() + GRACE_SECONDS * 1000 + MARGIN_MS,
        async () => (await q.basket(charged!.invoiceId)).consumedAt,
      );
      await expectRegisteredByServer(database, charged!.invoiceId, email);
      await waitForMail(mailDir, (mail) => mail.to === email && NEW_ACCOUNT.test(mail.subject), 15_000);
      expect(await q.payments()).toHaveLength(1);

      // The guest's browser, which lost the answer, submits the order again: paid, with a link that gets its token.
      const again = expectPaid(
        await submitCheckout(tally, server.baseUrl, { productId, email, card: TEST_CARDS.pays, orderKey }),
        "paid",
      );
      expect(again.invoiceId).toBe(charged!.invoiceId);
      expect(await registerOnce(tally, server.baseUrl, again)).toMatchObject({ outcome: 200 });
      expect(await q.payments()).toHaveLength(1);
    });

    test("a server killed in the middle of a burst of forty checkouts leaves no payment unsettled past the reconciliation deadline, and every checkout a client was told is paid or pending registers", async () => {
      const first = await start(PORTS.burst);
      const q = queries(database);
      const productId = await q.productId();
      const orders = Array.from({ length: 40 }, (_, index) => ({
        email: uniqueEmail(`burst-${index}`),
        card: index % 2 === 0 ? TEST_CARDS.pays : TEST_CARDS.confirmsLater,
      }));
      // A first checkout warms the server up (its first request loads the route), as a live server would be.
      expectPaid(
        await submitCheckout(tally, first.baseUrl, {
          productId,
          email: uniqueEmail("burst-warm-up"),
          card: TEST_CARDS.pays,
        }),
        "paid",
      );
      const answers: (CheckoutAnswer | null)[] = orders.map(() => null);
      let killedAt = 0;
      let inFlightAtKill = 0;
      const started = Date.now();
      const killing = (async () => {
        await sleep(700);
        inFlightAtKill = orders.filter(
          (_, index) => answers[index] === null && index * 25 < Date.now() - started,
        ).length;
        await first.kill9();
        killedAt = Date.now();
      })();
      // One every 25 ms: the kill falls 700 ms in, with checkouts in flight, some answered and some never sent.
      await Promise.all(
        orders.map(async (order, index) => {
          await sleep(index * 25);
          answers[index] = await submitCheckout(tally, first.baseUrl, {
            productId,
            email: order.email,
            card: order.card,
          });
        }),
      );
      await killing;
      const told = orders.flatMap((order, index) => {
        const answer = answers[index]!;
        return answer.outcome === 200 ? [{ ...order, status: answer.body!.status!, link: answer.link! }] : [];
      });
      test.info().annotations.push({
        type: "burst",
        description: `${told.filter((order) => order.status === "paid").length} paid, ${told.filter((order) => order.status === "pending").length} pending, ${answers.filter((answer) => answer!.outcome !== 200).length} without an answer, ${inFlightAtKill} in flight at the kill`,
      });
      expect(told.length, tally.toString()).toBeGreaterThan(0);
      expect(told.length, tally.toString()).toBeLessThan(orders.length);
      for (const answer of answers) expect([200, "error"]).toContain(answer!.outcome);

      const server = await start(PORTS.burst);
      // Every payment was created before the kill: none may stay unsettled past its reconciliation time.
      const deadline = Math.max(killedAt + RECONCILE_SECONDS * 1000, Date.now()) + MARGIN_MS;
      await waitUntil(
        "no payment pending, processing or confirming",
        deadline,
        async () => (await q.payments(`p."status" IN ('pending', 'processing', 'confirming')`)).length === 0,
      );
      const payments = await q.payments();
      // The app and the provider agree on every charge: money taken exactly for the payments recorded as succeeded.
      for (const payment of payments)
        expect({ reference: payment.reference, taken: payment.chargeStatus === "succeeded" }).toEqual({
          reference: payment.reference,
          taken: payment.status === "succeeded",
        });
      // Every checkout a client was told is paid or pending ends paid (nothing was declined that the provider charged).
      for (const order of told)
        expect((await q.payments(`p."invoiceId" = ${order.link.invoiceId}`)).map((payment) => payment.status)).toEqual([
          "succeeded",
        ]);
      // Invoice numbers run without a gap over the issued invoices.
      const numbers = (
        await database.rows<{ number: string }>(`SELECT "number" FROM "Invoice" WHERE "number" IS NOT NULL`)
      )
        .map((row) => Number(row.number.slice(-6)))
        .sort((a, b) => a - b);
      expect(numbers).toEqual(numbers.map((_, index) => index + 1));
      expect(numbers.length).toBe(payments.filter((payment) => payment.status === "succeeded").length);

      // The server registers every paid checkout (those whose answer the kill cut off too), each once.
      const paidInvoices = payments
        .filter((payment) => payment.status === "succeeded")
        .map((payment) => payment.invoiceId);
      await waitUntil(
        "the server registered every paid checkout",
        Date.now() + GRACE_SECONDS * 1000 + MARGIN_MS,
        async () =>
          (
            await Promise.all(paidInvoices.map(async (invoiceId) => (await q.basket(invoiceId)).consumedAt !== null))
          ).every(Boolean),
      );
      for (const invoiceId of paidInvoices) {
        const basket = await q.basket(invoiceId);
        expect(basket.registeredBy).toBe("server");
        expect((await q.audits(basket.id)).filter((audit) => audit.type === "registration.succeeded")).toHaveLength(1);
        expect((await q.outbox(basket.guestEmail)).map((mail) => mail.kind).sort()).toEqual([
          "checkout.receipt",
          "registration.new_customer",
        ]);
      }
      // And every link a client was told about gets its one token.
      for (const order of told)
        expect(await registerOnce(tally, server.baseUrl, order.link), order.email).toMatchObject({
          outcome: 200,
          token: expect.stringMatching(/^eyJ/),
        });
      for (const order of told)
        expect(await registerOnce(tally, server.baseUrl, order.link), order.email).toMatchObject({
          outcome: 401,
          code: "basket_token_used",
        });
    });

    test("six concurrent submissions of one order, then a seventh, charge it once; every 200 says paid, every 409 has Retry-After, and the first link to arrive still registers", async () => {
      const server = await start(PORTS.sixSubmissions);
      const q = queries(database);
      const productId = await q.productId();
      const email = uniqueEmail("six");
      const orderKey = randomUUID();
      const arrived: CheckoutAnswer[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          arrived.push(
            await submitCheckout(tally, server.baseUrl, { productId, email, card: TEST_CARDS.pays, orderKey }),
          );
        }),
      );
      test
        .info()
        .annotations.push({ type: "six submissions", description: arrived.map((answer) => answer.outcome).join(", ") });
      for (const answer of arrived) {
        expect([200, 409], JSON.stringify(answer.body)).toContain(answer.outcome);
        if (answer.outcome === 200) expect(answer.body?.status).toBe("paid");
        if (answer.outcome === 409) {
          expect(answer.body?.code).toBe("checkout_in_progress");
          expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
        }
      }
      const firstLink = arrived.find((answer) => answer.outcome === 200)?.link;
      expect(firstLink, "no submission was answered 200").toBeDefined();

      const seventh = expectPaid(
        await submitCheckout(tally, server.baseUrl, { productId, email, card: TEST_CARDS.pays, orderKey }),
        "paid",
      );
      expect(seventh.invoiceId).toBe(firstLink!.invoiceId);
      expect(await q.payments()).toMatchObject([{ status: "succeeded", chargeStatus: "succeeded" }]);

      expect(await registerOnce(tally, server.baseUrl, firstLink!)).toMatchObject({
        outcome: 200,
        token: expect.stringMatching(/^eyJ/),
      });
      // Once one link was answered with a token, the order's other links are used, and the order is complete.
      const otherLinks = [
        ...arrived
          .filter((answer) => answer.outcome === 200 && answer.link !== firstLink)
          .map((answer) => answer.link!),
        seventh,
      ];
      for (const link of otherLinks)
        expect(await registerOnce(tally, server.baseUrl, link)).toMatchObject({
          outcome: 401,
          code: "basket_token_used",
        });
      const eighth = await submitCheckout(tally, server.baseUrl, { productId, email, card: TEST_CARDS.pays, orderKey });
      expect(eighth).toMatchObject({ outcome: 409, body: { code: "order_already_completed" } });
      expect(await q.payments()).toHaveLength(1);
    });

    if (provider === "postgresql") {
      test("two instances on one PostgreSQL database register each of a batch of paid checkouts once: one customer, one audit and one account e-mail each", async () => {
        const instances = [
          await start(PORTS.twoInstances[0], { env: { FULFILMENT_GRACE_SECONDS: "1" } }),
          await start(PORTS.twoInstances[1], { env: { FULFILMENT_GRACE_SECONDS: "1" } }),
        ];
        const q = queries(database);
        const productId = await q.productId();
        const emails = Array.from({ length: 10 }, (_, index) => uniqueEmail(`two-instances-${index}`));
        const paidAt = Date.now();
        const links = await Promise.all(
          emails.map(async (email, index) =>
            expectPaid(
              await submitCheckout(tally, instances[index % 2]!.baseUrl, { productId, email, card: TEST_CARDS.pays }),
              "paid",
            ),
          ),
        );
        await waitUntil("every checkout registered", paidAt + 1000 + MARGIN_MS, async () =>
          (await Promise.all(links.map(async (link) => (await q.basket(link.invoiceId)).consumedAt !== null))).every(
            Boolean,
          ),
        );
        for (const [index, link] of links.entries()) {
          const basket = await q.basket(link.invoiceId);
          expect(basket.registeredBy).toBe("server");
          expect(await q.customers(emails[index]!)).toHaveLength(1);
          expect((await q.audits(basket.id)).filter((audit) => audit.type === "registration.succeeded")).toEqual([
            { type: "registration.succeeded", actor: "system" },
          ]);
          expect((await q.outbox(emails[index]!)).map((mail) => mail.kind).sort()).toEqual([
            "checkout.receipt",
            "registration.new_customer",
          ]);
        }
        // Delivered once, by one of the two workers.
        await waitUntil(
          "every e-mail delivered",
          Date.now() + 15_000,
          async () => (await q.count(`SELECT COUNT(*) AS "n" FROM "OutboxMessage" WHERE "status" <> 'sent'`)) === 0,
        );
        const dirs = instances.map((instance) => instance.mailDir);
        for (const email of emails)
          expect(
            (await mailSubjectsFor(email, ...dirs)).filter((subject) => NEW_ACCOUNT.test(subject)),
            email,
          ).toHaveLength(1);
        const registeredBy = instances.map(
          (instance) => (instance.output().match(/registration by the server succeeded/g) ?? []).length,
        );
        test.info().annotations.push({ type: "registrations per instance", description: registeredBy.join(" + ") });
      });
    }

    test("the webhook refuses a bad signature, a missing header and an old timestamp, and applies a correctly signed event once however often it is replayed", async () => {
      const secret = `whsec_${randomBytes(32).toString("base64")}`;
      // No background work: the provider sends no event of its own, so each event here is the test's.
      const server = await start(PORTS.webhooks, {
        env: { PAYMENT_WEBHOOK_SECRET: secret, BACKGROUND_WORK_ENABLED: "false" },
      });
      const q = queries(database);
      const email = uniqueEmail("webhook");
      const link = expectPaid(
        await submitCheckout(tally, server.baseUrl, {
          productId: await q.productId(),
          email,
          card: TEST_CARDS.confirmsLater,
        }),
        "pending",
      );
      const [payment] = await q.payments(`p."invoiceId" = ${link.invoiceId}`);
      expect(payment).toMatchObject({ status: "confirming" });
      const url = `${server.baseUrl}/api/payments/test/events`;
      const eventBody = (type = "charge.succeeded", sequence = 2) =>
        JSON.stringify({ type, data: { reference: payment!.reference, sequence } });
      const signed = (input: { id: string; body: string; at?: Date; secret?: string }) => {
        const at = input.at ?? new Date();
        return {
          "content-type": "application/json",
          "webhook-id": input.id,
          "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
          "webhook-signature": new Webhook(input.secret ?? secret).sign(input.id, at, input.body),
        };
      };
      const post = async (headers: Record<string, string>, body: string) => {
        const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
        return {
          status: response.status,
          body: (await response.json()) as { code?: string; received?: boolean; applied?: string },
        };
      };
      const without = (headers: Record<string, string>, name: string) =>
        Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
      const body = eventBody();
      const id = `evt_${randomUUID()}`;
      const good = signed({ id, body });

      const refusals: [string, Record<string, string>, string][] = [
        [
          "signed with another secret",
          signed({ id, body, secret: `whsec_${randomBytes(32).toString("base64")}` }),
          body,
        ],
        ["a signature of another body", good, eventBody("charge.succeeded", 3)],
        ["a garbled signature", { ...good, "webhook-signature": "v1,AAAA" }, body],
        ["no webhook-signature", without(good, "webhook-signature"), body],
        ["no webhook-id", without(good, "webhook-id"), body],
        ["no webhook-timestamp", without(good, "webhook-timestamp"), body],
        ["signed six minutes ago", signed({ id, body, at: new Date(Date.now() - 6 * 60_000) }), body],
        ["signed six minutes ahead", signed({ id, body, at: new Date(Date.now() + 6 * 60_000) }), body],
      ];
      for (const [what, headers, sent] of refusals)
        expect(await post(headers, sent), what).toMatchObject({
          status: 400,
          body: { code: "webhook_signature_invalid" },
        });
      // Refused events changed nothing.
      expect(await q.payments(`p."invoiceId" = ${link.invoiceId}`)).toMatchObject([{ status: "confirming" }]);
      expect(await q.count(`SELECT COUNT(*) AS "n" FROM "PaymentEvent"`)).toBe(0);
      expect((await q.invoice(link.invoiceId)).number).toBeNull();

      // The real thing, then its replays: the same id (as sent, or signed again later) is applied once.
      expect(await post(good, body)).toEqual({ status: 200, body: { received: true, applied: "paid" } });
      const { number } = await q.invoice(link.invoiceId);
      expect(number).toMatch(/^INV-\d{4}-\d{6}$/);
      expect(await post(good, body)).toEqual({ status: 200, body: { received: true, applied: "duplicate" } });
      expect(await post(signed({ id, body }), body)).toEqual({
        status: 200,
        body: { received: true, applied: "duplicate" },
      });
      // Another event for the settled payment, a success or a late decline, changes nothing either.
      const again = `evt_${randomUUID()}`;
      expect(await post(signed({ id: again, body }), body)).toEqual({
        status: 200,
        body: { received: true, applied: "already_settled" },
      });
      const decline = eventBody("charge.declined", 3);
      expect(await post(signed({ id: `evt_${randomUUID()}`, body: decline }), decline)).toEqual({
        status: 200,
        body: { received: true, applied: "already_settled" },
      });

      expect(await q.payments(`p."invoiceId" = ${link.invoiceId}`)).toMatchObject([{ status: "succeeded" }]);
      expect((await q.invoice(link.invoiceId)).number).toBe(number);
      expect(await q.count(`SELECT "nextInvoiceSeq" AS "n" FROM "Business"`)).toBe(2);
      const basket = await q.basket(link.invoiceId);
      expect((await q.audits(basket.id)).filter((audit) => audit.type === "checkout.paid")).toHaveLength(1);
      expect(await q.outbox(email)).toEqual([{ kind: "checkout.receipt", status: expect.any(String) }]);
      await expectReceipt(server.mailDir, email, number!, 15_000);
      await sleep(1000);
      expect(await mailSubjectsFor(email, server.mailDir)).toEqual([expect.stringMatching(RECEIPT)]);
    });
  });
}
