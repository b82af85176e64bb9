import { beforeAll, describe, expect, it } from "vitest";

import { getStorefrontOrThrow } from "@/lib/server/billing/get-storefront";
import { getDb } from "@/lib/server/db";
import { getInvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { renderInvoicePdf } from "@/lib/server/invoices/render-invoice-pdf";
import { createBusiness, createCheckout, createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { deliverMailTo } from "@/test/deliver-mail";
import { readPdf } from "@/test/pdf-text";

/**
 * Products in the guest's language (docs/contract.md §4.6): the checkout lists them so where the business gives a
 * translation, and an order writes its invoice's lines in the invoice's language, with the country it is billed to
 * and its dates and money written that language's way in the business's region.
 */
const db = getDb();

/** The storefront's business (the first of this file's database) and its two products. */
let storefront: { id: number; productIds: [number, number, ...number[]] };

beforeAll(async () => {
  storefront = await createBusiness();
  const [dayPass, meetingRoom] = storefront.productIds;
  await db.product.update({ where: { id: dayPass }, data: { description: "A desk for a day" } });
  await db.product.update({ where: { id: meetingRoom }, data: { description: "Up to six people" } });
  await givesTranslations(storefront.productIds);
});

/** The business names the day pass in German and Spanish, and the meeting room in German without a description. */
async function givesTranslations([dayPass, meetingRoom]: readonly number[]): Promise<void> {
  await db.productTranslation.create({
    data: { productId: dayPass!, locale: "de", name: "Tagespass", description: "Ein Schreibtisch für einen Tag" },
  });
  await db.productTranslation.create({
    data: { productId: dayPass!, locale: "es", name: "Pase de día", description: "Un escritorio por un día" },
  });
  await db.productTranslation.create({ data: { productId: meetingRoom!, locale: "de", name: "Besprechungsraum" } });
}

const namesOf = (products: readonly { name: string; description: string }[]) =>
  products.map(({ name, description }) => [name, description]);

describe("the checkout's products", () => {
  it("are named in the guest's language where the business gives it, in its own words otherwise", async () => {
    expect(namesOf((await getStorefrontOrThrow("de")).products)).toEqual([
      ["Tagespass", "Ein Schreibtisch für einen Tag"],
      // A translation without a description: the product's own description.
      ["Besprechungsraum", "Up to six people"],
    ]);
    expect(namesOf((await getStorefrontOrThrow("es")).products)).toEqual([
      ["Pase de día", "Un escritorio por un día"],
      ["Meeting room", "Up to six people"],
    ]);
    // No French names: the business's own.
    expect(namesOf((await getStorefrontOrThrow("fr")).products)).toEqual([
      ["Day pass", "A desk for a day"],
      ["Meeting room", "Up to six people"],
    ]);
    expect(namesOf((await getStorefrontOrThrow()).products)).toEqual([
      ["Day pass", "A desk for a day"],
      ["Meeting room", "Up to six people"],
    ]);
  });
});

describe("an order's invoice", () => {
  it("names a German guest's lines in German, with a German date, country and money, on the PDF too", async () => {
    const checkout = await createCheckout({ businessId: storefront.id, locale: "de" });
    const invoice = (await getInvoiceDocument(checkout.invoiceId))!;

    expect(invoice.lines.map((line) => line.description)).toEqual(["Tagespass", "Besprechungsraum"]);
    expect(invoice.billedToAddress).toBe("2 Engine Row\nN1 9GU London\nVereinigtes Königreich");
    expect(invoice.formatLocale).toBe("de-GB");
    const { text } = readPdf(await renderInvoicePdf(invoice));
    // Written in de-GB: the German way, in the business's pounds (pdftotext may give the no-break spaces as spaces).
    expect(text).toMatch(/Tagespass +2 +25,00\s£ +20\s% +50,00\s£/);
    expect(text).toMatch(/Besprechungsraum +1 +40,00\s£/);
    expect(text).toContain("Vereinigtes Königreich");
    const issued = new Intl.DateTimeFormat("de-GB", { dateStyle: "long", timeZone: "Europe/London" }).format(
      invoice.issuedAt,
    );
    expect(issued).toMatch(/^\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}$/);
    expect(text).toMatch(new RegExp(`Rechnungsdatum +${issued.replace(".", "\\.")}`));
    expect(text).toMatch(/Insgesamt bezahlt +108,00\s£/);
    expect(text).not.toContain("United Kingdom");
  });

  it("keeps the business's own names for a language it gives none, and writes that language's date and country", async () => {
    const checkout = await createCheckout({ businessId: storefront.id, locale: "fr" });
    const invoice = (await getInvoiceDocument(checkout.invoiceId))!;

    expect(invoice.lines.map((line) => line.description)).toEqual(["Day pass", "Meeting room"]);
    expect(invoice.billedToAddress).toBe("2 Engine Row\nN1 9GU London\nRoyaume-Uni");
    const { text } = readPdf(await renderInvoicePdf(invoice));
    expect(text).toMatch(/Date d’émission +\d{1,2}(er)? [a-zéû]+ \d{4}/);
    expect(text).toMatch(/Total payé +108,00\s£/);
  });

  it("is written in the business's own language and way when it writes its invoices so", async () => {
    const business = await createBusiness({ invoiceLanguage: "business" });
    await givesTranslations(business.productIds);
    const checkout = await createCheckout({ businessId: business.id, locale: "de" });
    const invoice = (await getInvoiceDocument(checkout.invoiceId))!;

    expect(invoice.lines.map((line) => line.description)).toEqual(["Day pass", "Meeting room"]);
    expect(invoice.billedToAddress).toBe("2 Engine Row\nN1 9GU London\nUnited Kingdom");
    const { text } = readPdf(await renderInvoicePdf(invoice));
    expect(text).toContain("BILLED TO");
    expect(text).toMatch(/Total paid +£108\.00/);
    expect(text).toMatch(/Issue date +\d{1,2} [A-Z][a-z]+ \d{4}/);
  });

  it("stays as it was written when the business renames the product afterwards", async () => {
    const business = await createBusiness();
    await givesTranslations(business.productIds);
    const checkout = await createCheckout({ businessId: business.id, locale: "de" });
    await db.productTranslation.update({
      where: { productId_locale: { productId: business.productIds[0], locale: "de" } },
      data: { name: "Tageskarte" },
    });

    const invoice = (await getInvoiceDocument(checkout.invoiceId))!;
    expect(invoice.lines.map((line) => line.description)).toEqual(["Tagespass", "Besprechungsraum"]);
  });

  it("writes the German guest's receipt e-mail with the invoice's German lines", async () => {
    const checkout = await createRegisteredCheckout({ businessId: storefront.id, email: uniqueEmail(), locale: "de" });
    const receipt = (await deliverMailTo(checkout.email)).find((mail) => mail.subject.startsWith("Ihr Beleg"));
    expect(receipt?.text).toMatch(/Tagespass,\s2\s×\s25,00\s£\s+50,00\s£/);
    expect(receipt?.text).toMatch(/Besprechungsraum,\s1\s×\s40,00\s£\s+40,00\s£/);
    expect(readPdf(receipt!.attachments[0]!.content).text).toContain("Tagespass");
  });
});
