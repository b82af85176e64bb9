import { describe, expect, it } from "vitest";

import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { getInvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { renderInvoicePdf } from "@/lib/server/invoices/render-invoice-pdf";
import { getDb } from "@/lib/server/db";
import { getGuestCheckoutOrThrow } from "@/lib/server/staff/get-guest-checkout";
import { resendRegistrationEmail } from "@/lib/server/staff/resend-registration-email";
import { createBusiness, createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { randomIp } from "@/test/register-client";
import { deliverMailTo } from "@/test/deliver-mail";
import { readPdf } from "@/test/pdf-text";

/**
 * The guest's language after the pages: kept with the checkout and the customer, it writes the registration and
 * sign-in e-mails and the invoice, whose money and dates are written that language's way in the business's region.
 */
const db = getDb();

describe("the guest's language", () => {
  it("is kept with the checkout and the new customer, and writes the receipt, its invoice and the account e-mail", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail(), name: "Hanna Gast", locale: "de" });

    expect(
      await db.basketSession.findUniqueOrThrow({ where: { id: checkout.basketSessionId }, select: { locale: true } }),
    ).toEqual({ locale: "de" });
    expect(await db.customer.findFirstOrThrow({ where: { email: checkout.email }, select: { locale: true } })).toEqual({
      locale: "de",
    });
    const mails = await deliverMailTo(checkout.email);
    expect(mails.map((candidate) => candidate.subject).sort()).toEqual([
      expect.stringMatching(/^Ihr Beleg von Test Space \w+$/),
      expect.stringMatching(/^Ihr Konto bei Test Space \w+ ist bereit$/),
    ]);
    const mail = mails.find((candidate) => candidate.subject.startsWith("Ihr Beleg"));
    expect(mail?.text).toContain("Hallo Hanna Gast,");
    expect(mail?.text).toMatch(/Day pass, 2\u00a0×\u00a025,00\u00a0£ +50,00\u00a0£/);
    expect(mail?.text).toMatch(/MwSt\. 20\u00a0% +18,00\u00a0£/);
    expect(mail?.text).toMatch(/Insgesamt bezahlt +108,00\u00a0£/);
    expect(mail?.html).toContain('<html lang="de">');
    expect(mail?.html).toContain("In Ihrem Konto anmelden");
    // The invoice attached: German labels, and money and dates the German way in the business's region (de-GB).
    const pdf = readPdf(mail!.attachments[0]!.content).text;
    expect(pdf).toContain("Rechnungsnr.");
    expect(pdf).toContain("BEZAHLT");
    expect(pdf).toMatch(/Insgesamt bezahlt +108,00\s£/);
    expect(pdf).toMatch(/Rechnungsdatum +\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}/);
  });

  it("stays an existing customer's: a stranger's checkout with their address, in another language, changes nothing of theirs, on both databases' way of linking", async () => {
    const email = uniqueEmail();
    const first = await createRegisteredCheckout({ email, name: "Ada Lovelace", locale: "en" });
    const earlier = new Set((await deliverMailTo(email)).map((mail) => mail.file));
    const stranger = "ACCOUNT SUSPENDED Call +44 20 0000 0000";
    const theirs = await createRegisteredCheckout({
      email,
      businessId: first.businessId,
      name: stranger,
      locale: "fr",
    });

    expect(await db.customer.findFirstOrThrow({ where: { email }, select: { fullName: true, locale: true } })).toEqual({
      fullName: "Ada Lovelace",
      locale: "en",
    });
    // Both e-mails of the stranger's checkout: in the customer's language, to the customer's name.
    const mails = (await deliverMailTo(email)).filter((mail) => !earlier.has(mail.file));
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      expect.stringMatching(/^A purchase was added to your account at /),
      expect.stringMatching(/^Your receipt from /),
    ]);
    for (const mail of mails) {
      expect(mail.text).toContain("Hello Ada Lovelace,");
      expect(mail.text).not.toContain(stranger);
    }
    // The invoice is the buyer's document: it shows what they typed, in the language they bought in.
    const pdf = readPdf(mails.find((mail) => mail.subject.startsWith("Your receipt"))!.attachments[0]!.content).text;
    expect(pdf).toContain("FACTURÉ À");
    expect(pdf).toContain(stranger);
    // Staff see that the invoice's name is not the account's; the customer's own checkout differs in nothing.
    const seen = (checkout: { businessId: number; basketSessionId: number }) =>
      getGuestCheckoutOrThrow(checkout).then((detail) => detail.differsFromAccount);
    expect(await seen(theirs)).toEqual(["name"]);
    expect(await seen(first)).toEqual([]);
  });

  it("writes the registration e-mail staff send again in the checkout's language, as the first was", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail(), locale: "fr" });
    await deliverMailTo(checkout.email);

    await resendRegistrationEmail({
      staffUserId: 1,
      businessId: checkout.businessId,
      basketSessionId: checkout.basketSessionId,
      clientIp: "10.0.0.1",
    });

    const subjects = (await deliverMailTo(checkout.email)).map((mail) => mail.subject);
    expect(subjects.filter((subject) => !subject.startsWith("Votre reçu"))).toEqual([
      expect.stringMatching(/^Votre compte chez .* est prêt$/),
      expect.stringMatching(/^Votre compte chez .* est prêt$/),
    ]);
  });

  it("writes the sign-in e-mail too", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail(), locale: "es" });
    await deliverMailTo(checkout.email);

    await requestSignInLink({ email: checkout.email, clientIp: randomIp() });

    const mail = (await deliverMailTo(checkout.email)).find((candidate) => candidate.subject === "Tu enlace de acceso");
    expect(mail?.text).toMatch(/caducan en (29|30) minutos\./);
    expect(mail?.html).toContain('<html lang="es">');
  });
});

describe("the invoice PDF", () => {
  it("writes money and dates the business's way: 1.234,56 € for a de-DE business in EUR", async () => {
    const business = await createBusiness({ currency: "EUR", locale: "de-DE", dayPassMinor: 61728 });
    const checkout = await createRegisteredCheckout({ businessId: business.id, locale: "de" });
    const invoice = (await getInvoiceDocument(checkout.invoiceId))!;

    const { text } = readPdf(await renderInvoicePdf(invoice));
    // Two day passes of 617,28 € at 20 %: 1.234,56 €.
    expect(text).toMatch(/Day pass +2 +617,28 € +20 % +1\.234,56 €/);
    expect(text).toMatch(/Rechnungsdatum +\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}/);
  });

  it("keeps the language it was bought in, whatever the customer's next checkout is in", async () => {
    const email = uniqueEmail();
    const german = await createRegisteredCheckout({ email, locale: "de" });
    await createRegisteredCheckout({ email, businessId: german.businessId, locale: "es" });

    expect(await db.customer.findFirstOrThrow({ where: { email }, select: { locale: true } })).toEqual({
      locale: "de",
    });
    expect(readPdf(await renderInvoicePdf((await getInvoiceDocument(german.invoiceId))!)).text).toContain(
      "RECHNUNG AN",
    );
  });

  it("has its labels in the customer's language, or the business's when it chose so", async () => {
    const customers = await createBusiness();
    const own = await createBusiness({ invoiceLanguage: "business" });
    const inFrench = await createRegisteredCheckout({ businessId: customers.id, locale: "fr" });
    const inEnglish = await createRegisteredCheckout({ businessId: own.id, locale: "fr" });

    const french = readPdf(await renderInvoicePdf((await getInvoiceDocument(inFrench.invoiceId))!)).text;
    const english = readPdf(await renderInvoicePdf((await getInvoiceDocument(inEnglish.invoiceId))!)).text;
    expect(french).toContain("FACTURÉ À");
    expect(french).toMatch(/Total payé +108,00\s£/);
    expect(english).toContain("BILLED TO");
    expect(english).toMatch(/Total paid +£108\.00/);
  });

  it("is fixed when it is issued: a later change of the basket's or the business's language leaves it as it was", async () => {
    const business = await createBusiness();
    const german = await createRegisteredCheckout({ businessId: business.id, locale: "de" });
    const before = readPdf(await renderInvoicePdf((await getInvoiceDocument(german.invoiceId))!)).text;
    expect(before).toContain("RECHNUNG AN");

    await db.basketSession.update({ where: { id: german.basketSessionId }, data: { locale: "fr" } });
    await db.business.update({ where: { id: business.id }, data: { invoiceLanguage: "business" } });

    const after = readPdf(await renderInvoicePdf((await getInvoiceDocument(german.invoiceId))!)).text;
    expect(after).toContain("RECHNUNG AN");
    expect(after).toBe(before);
  });
});
