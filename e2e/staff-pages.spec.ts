import type { Page } from "@playwright/test";

import { endpoints } from "../lib/api/endpoints";
import { expect, test } from "./fixtures";
import { lookAtStaffPage } from "./layout";
import { catalogueOf, demoCheckout, expectNoSeriousA11yViolations, registeredCheckout, signInAsStaff } from "./support";

/**
 * The staff pages read as words: the audit trail in sentences that keep up by themselves, dry runs that say (and
 * show) whether they pass, demo checkouts described as what they are, an outbox that explains itself with its
 * e-mails at full height, and every page usable on a phone.
 */

/** The e-mail preview is a sandboxed iframe, which axe cannot enter; the e-mail is checked apart. */
const expectAccessible = (page: Page, what: string) => expectNoSeriousA11yViolations(page, what, { exclude: "iframe" });

/** Opens a guest's checkout from the list, as staff would find it. */
async function openCheckoutOf(page: Page, guestName: string): Promise<void> {
  await page.goto("/staff");
  await page.getByRole("row").filter({ hasText: guestName }).getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Checkout #");
}

test("the audit trail is told in sentences, keeps each record behind a disclosure, and shows a new event without a reload", async ({
  page,
  request,
}) => {
  const checkout = await registeredCheckout(request, "--name", "Sentence Guest");
  await signInAsStaff(page);
  await openCheckoutOf(page, "Sentence Guest");
  const trail = page.getByRole("region", { name: "Audit trail" });
  const event = (words: string | RegExp) => trail.getByRole("listitem").filter({ hasText: words });

  await expect(event("Order placed.")).toBeVisible();
  await expect(event("Payment succeeded: invoice issued, receipt queued.")).toBeVisible();
  const registered = event(/Registered by the guest’s completion page: new customer #\d+ created\./);
  await expect(registered).toBeVisible();
  await expect(registered).toContainText("Guest · from 127.0.0.1");

  // The stored record (its code and details) is there, behind a disclosure.
  await expect(registered.getByText("registration.succeeded")).toBeHidden();
  await registered.getByText("Details", { exact: true }).click();
  await expect(registered.getByText("registration.succeeded")).toBeVisible();
  await expect(registered.locator("pre")).toContainText('"customer": "created"');

  // The guest's link, used again: refused, and the page shows it by itself, without a reload.
  await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
  const again = await request.post(
    endpoints.billing.invoices.registerByToken(checkout.invoiceId, checkout.basketSession).url,
    { data: {} },
  );
  expect(again.status()).toBe(401);
  const refused = event("Registration refused: the link was already used.");
  await expect(refused).toBeVisible({ timeout: 15_000 });
  expect(await page.evaluate(() => "stillTheSamePage" in window)).toBe(true);
  await expect(refused).toContainText("Guest · from 127.0.0.1");
  await refused.getByText("Details", { exact: true }).click();
  await expect(refused.getByText("basket_token_used")).toBeVisible();
  // The disclosure opened before the new event stays open.
  await expect(registered.getByText("registration.succeeded")).toBeVisible();
  await expectAccessible(page, "checkout with its audit trail");
});

test("a dry run that passes and one that is refused differ in their words and colours", async ({ page, request }) => {
  const checkout = demoCheckout();
  await signInAsStaff(page);
  await page.goto("/staff/preview");
  const dryRun = page.getByRole("region", { name: "Dry run for a real checkout" });
  const outcome = dryRun.getByRole("status");
  await dryRun.getByLabel("Invoice id").fill(String(checkout.invoiceId));
  await dryRun.getByLabel(/Basket session/).fill(checkout.basketSession);

  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(outcome).toHaveAttribute("data-outcome", "pass");
  await expect(outcome).toContainText("Would succeed. All checks pass");
  const colours = (await outcome.evaluate((element) => {
    const style = getComputedStyle(element);
    return [style.backgroundColor, style.borderLeftColor, style.color];
  })) as string[];
  await expectAccessible(page, "a passing dry run");

  const registered = await request.post(
    endpoints.billing.invoices.registerByToken(checkout.invoiceId, checkout.basketSession).url,
    { data: {} },
  );
  expect(registered.status()).toBe(200);
  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(outcome).toHaveAttribute("data-outcome", "refused");
  await expect(outcome).toContainText("Would be refused. Already registered");
  await expect(outcome).not.toContainText("Would succeed");
  const refusedColours = (await outcome.evaluate((element) => {
    const style = getComputedStyle(element);
    return [style.backgroundColor, style.borderLeftColor, style.color];
  })) as string[];
  for (const [index, colour] of refusedColours.entries()) expect(colour).not.toBe(colours[index]);
  // Neither is the yellow of a plain notice.
  const notice = "rgb(253, 246, 227)";
  expect([colours[0], refusedColours[0]]).not.toContain(notice);
  await expectAccessible(page, "a refused dry run");
});

test("each kind of demo checkout says what its completion page does, and the page does it", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await signInAsStaff(page);
  await page.goto("/staff/preview");
  const demo = page.getByRole("region", { name: "Demo checkout" });
  const guest = await (await browser.newContext()).newPage();
  const heading = guest.getByRole("heading", { level: 1 });
  const { completion } = catalogueOf("en");

  const kinds = [
    {
      label: "Paid",
      says: ["(this registers the demo guest, as a real visit would)."],
      shows: completion.success.heading,
    },
    {
      label: "Payment pending",
      says: ["it shows the payment as pending and keeps checking; it registers nobody.", "the checkout is declined"],
      shows: completion.pending.heading,
    },
    {
      label: "Payment declined",
      says: ["it says the payment didn’t go through and leads back to checkout; it registers nobody."],
      shows: completion.declined.heading,
    },
    {
      label: "Expired link",
      says: ["it says the link has expired; it registers nobody.", "the server registers the demo guest itself"],
      shows: completion.expired.heading,
    },
  ];
  for (const kind of kinds) {
    await demo.getByLabel(kind.label, { exact: true }).check();
    await demo.getByRole("button", { name: "Create a demo checkout" }).click();
    const created = demo.getByRole("status");
    await expect(created).toContainText(/Demo checkout created: invoice id \d+/);
    for (const words of kind.says) await expect(created, kind.label).toContainText(words);
    if (kind.label !== "Paid") await expect(created, kind.label).not.toContainText("this registers the demo guest");

    const link = await created.getByRole("link", { name: "Open its completion page" }).getAttribute("href");
    await guest.goto(link!);
    await expect(heading, kind.label).toHaveText(kind.shows);
  }
  await guest.context().close();
});

test("the outbox explains its numbers and shows each e-mail at its full height, nothing cut off", async ({
  page,
  request,
}) => {
  await registeredCheckout(request, "--name", "Outbox Guest");
  await signInAsStaff(page);
  await page.goto("/staff/outbox");
  await expect(page.getByText(/sign-in e-mails .* so the numbers here skip some/)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "Account ready" }).first();
  await expect(row).toContainText(/Sent|Waiting to be sent|Being sent/);
  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(/Your account at .* is ready/);

  const frame = page.locator("iframe");
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await expect(frame).toHaveAttribute("data-fitted", "true");
    await expect
      .poll(
        () =>
          frame.evaluate((element: HTMLIFrameElement) => {
            const root = element.contentDocument!.documentElement;
            return {
              // The e-mail's document does not scroll: all of it is in the frame.
              cutOff: root.scrollHeight - root.clientHeight,
              // And the frame is no taller than the e-mail.
              slack: Math.round(element.clientHeight - root.getBoundingClientRect().height),
            };
          }),
        { message: `the e-mail preview at ${width} px` },
      )
      .toEqual({ cutOff: 0, slack: 0 });
  }
  await expect(page.frameLocator("iframe").getByText(/Hello/).first()).toBeVisible();
  await expectAccessible(page, "outbox message");
});

test("every staff page works on a phone: nothing scrolls sideways, the guest and status in view, buttons apart", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const name = "Alexandra Montgomery-Fitzwilliam";
  await registeredCheckout(request, "--name", name, "--email", `alexandra.montgomery-fitzwilliam@example.com`);
  demoCheckout("--unpaid", "--name", "Pending Phone Guest");
  await signInAsStaff(page);

  await page.goto("/staff");
  const row = page.getByRole("row").filter({ hasText: name }).first();
  await lookAtStaffPage(page, "staff-pages-checkouts", [
    row.getByRole("cell").filter({ hasText: "alexandra.montgomery-fitzwilliam@example.com" }),
    row.getByText("Registered", { exact: true }),
  ]);

  await openCheckoutOf(page, name);
  await expect(page.getByRole("button", { name: "Resend the registration e-mail" })).toBeVisible();
  await lookAtStaffPage(page, "staff-pages-checkout", [
    page.getByRole("heading", { level: 1 }).getByText("Registered", { exact: true }),
    page.getByRole("definition").filter({ hasText: name }).first(),
  ]);
  await page.getByRole("button", { name: "Resend the registration e-mail" }).click();
  await expect(page.getByText(/Queued again for/)).toBeVisible();
  await page.getByText("Details", { exact: true }).first().click();
  await lookAtStaffPage(page, "staff-pages-checkout-acted");

  await page.goto("/staff/outbox");
  const message = page.getByRole("row").filter({ hasText: "alexandra.montgomery-fitzwilliam@example.com" }).first();
  await lookAtStaffPage(page, "staff-pages-outbox", [
    message.getByText("alexandra.montgomery-fitzwilliam@example.com"),
    message.getByText(/Sent|Waiting to be sent|Being sent/),
  ]);
  await message.getByRole("link").click();
  await expect(page.locator("iframe")).toHaveAttribute("data-fitted", "true");
  await lookAtStaffPage(page, "staff-pages-outbox-message");

  await page.goto("/staff/preview");
  const dryRun = page.getByRole("region", { name: "Dry run for a real checkout" });
  await page.getByRole("region", { name: "Demo checkout" }).getByLabel("Payment declined").check();
  await page.getByRole("button", { name: "Create a demo checkout" }).click();
  await expect(page.getByText(/Demo checkout created: invoice id \d+/)).toBeVisible();
  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(dryRun.getByRole("status")).toHaveAttribute("data-outcome", "refused");
  // The guest's completion view in the preview is the guest pages' own, looked at with them.
  await lookAtStaffPage(page, "staff-pages-preview", [], { buttonsOutside: "[data-state]" });
});
