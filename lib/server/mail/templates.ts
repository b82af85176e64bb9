import "server-only";

import { z } from "zod";

import { brandPalette, type BrandPalette } from "@/lib/brand";
import { getConfig } from "@/lib/config";
import { formatDate, formatMoney, formatTaxRate } from "@/lib/format";
import { displayLocale, languageOf, type Locale } from "@/lib/i18n/locales";
import { translatorFor } from "@/lib/i18n/translator";
import { taxByRate } from "@/lib/money";
import { paymentMethodLabel } from "@/lib/payment-method";
import { getInvoiceDocument, type InvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { renderInvoicePdf } from "@/lib/server/invoices/render-invoice-pdf";
import { getBrands } from "@/lib/server/business-brands";
import type { Db } from "@/lib/server/db";
import { unsealSignIn } from "@/lib/server/tokens/sign-in-seal";
import type { ReceiptMailPayload, RegistrationMailPayload, SignInLinkPayload } from "@/lib/server/mail/outbox";
import { normalizeEmail } from "@/lib/validation/guest";

/** A file sent with the e-mail; drawn only when the e-mail is sent (the staff preview lists it, unsent). */
interface MailAttachment {
  filename: string;
  contentType: string;
  content: () => Promise<Buffer>;
}

interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Who the e-mail is from, as its header shows it: a name, its colours, and its logo's absolute address. */
interface MailBrand {
  name: string;
  palette: BrandPalette;
  logoUrl: string | null;
}

/** A receipt: what was bought and what was paid, as the completion page shows it. */
interface MailReceipt {
  heading: string;
  facts: [string, string][];
  /** Each line: its description, its quantity and unit price ("2 × £25.00"), its amount. */
  lines: { description: string; quantity: string; amount: string }[];
  totals: [string, string][];
}

interface MailContent {
  locale: Locale;
  /** Between a label and what it names ("Invoice: INV-1", "Sign in: https://…"): ": ", or French's " : ". */
  separator: string;
  brand: MailBrand;
  subject: string;
  heading: string;
  paragraphs: string[];
  /** What the paragraphs must never break across lines, however narrow the screen: the invoice number. */
  keepTogether?: string[];
  receipt?: MailReceipt;
  action: { label: string; url: string };
  /** A one-time code beside the button (the sign-in e-mail), with what it is for. */
  code?: { label: string; value: string };
  footer: string;
}

function receiptHtml(receipt: MailReceipt, separator: string): string {
  const row = ([label, value]: [string, string], strong = false) =>
    `<tr><td style="padding:6px 0;border-bottom:1px solid #e3e1da${strong ? ";font-weight:700" : ""}">${escapeHtml(label)}</td>` +
    `<td style="padding:6px 0 6px 16px;border-bottom:1px solid #e3e1da;text-align:right;white-space:nowrap${strong ? ";font-weight:700" : ""}">${escapeHtml(value)}</td></tr>`;
  const facts = receipt.facts
    .map(
      ([label, value]) =>
        `${escapeHtml(label)}${escapeHtml(separator)}<strong style="white-space:nowrap">${escapeHtml(value)}</strong>`,
    )
    .join(" · ");
  const line = ({ description, quantity, amount }: MailReceipt["lines"][number]) =>
    `<tr><td style="padding:6px 0;border-bottom:1px solid #e3e1da">${escapeHtml(description)}` +
    `<br><span style="color:#57606a;font-size:13px;white-space:nowrap">${escapeHtml(quantity)}</span></td>` +
    `<td style="padding:6px 0 6px 16px;border-bottom:1px solid #e3e1da;text-align:right;vertical-align:top;white-space:nowrap">${escapeHtml(amount)}</td></tr>`;
  const totals = receipt.totals.map((total, index) => row(total, index === receipt.totals.length - 1)).join("");
  return `<h2 style="margin:24px 0 8px;font-size:16px">${escapeHtml(receipt.heading)}</h2>
<p style="margin:0 0 8px;font-size:14px;color:#57606a">${facts}</p>
<table role="presentation" style="width:100%;border-collapse:collapse;font-size:14px">${receipt.lines.map(line).join("")}${totals}</table>`;
}

/** A paragraph's text as HTML, each of `keepTogether` in it kept on one line (an invoice number breaks at its dashes). */
function paragraphHtml(text: string, keepTogether: readonly string[]): string {
  let html = escapeHtml(text);
  for (const value of keepTogether)
    html = html.split(escapeHtml(value)).join(`<span style="white-space:nowrap">${escapeHtml(value)}</span>`);
  return html;
}

/** One layout for every e-mail: the business's header, a short message, maybe a receipt, one button. */
function layout(input: MailContent): string {
  const { palette, logoUrl, name } = input.brand;
  const paragraphs = input.paragraphs
    .map((text) => `<p style="margin:0 0 16px">${paragraphHtml(text, input.keepTogether ?? [])}</p>`)
    .join("");
  const logo = logoUrl
    ? `<img src="${escapeHtml(logoUrl)}" alt="" width="40" height="40" style="vertical-align:middle;margin-right:12px;border-radius:8px">`
    : "";
  return `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(input.heading)}</title></head>
<body style="margin:0;background:#f6f5f1;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;line-height:1.5">
<div style="max-width:560px;margin:0 auto;padding:32px 16px">
<p style="margin:0 0 16px;font-weight:700;font-size:17px">${logo}<span style="vertical-align:middle">${escapeHtml(name)}</span></p>
<div style="background:#fff;border:1px solid #d8d6cf;border-top:6px solid ${palette.accent};border-radius:12px;padding:24px">
<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(input.heading)}</h1>
${paragraphs}${input.receipt ? receiptHtml(input.receipt, input.separator) : ""}
${input.code ? `<p style="margin:24px 0 8px">${escapeHtml(input.code.label)}</p><p style="margin:0 0 16px;font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap">${escapeHtml(input.code.value)}</p>` : ""}
<p style="margin:24px 0"><a href="${escapeHtml(input.action.url)}" style="display:inline-block;background:${palette.accentText};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600">${escapeHtml(input.action.label)}</a></p>
<p style="margin:0;font-size:13px;color:#57606a">${escapeHtml(input.footer)}</p>
</div></div></body></html>`;
}

function plainText(input: MailContent): string {
  const receipt = input.receipt
    ? [
        input.receipt.heading,
        ...input.receipt.facts.map(([label, value]) => `${label}${input.separator}${value}`),
        "",
        ...input.receipt.lines.map((line) => `${line.description}, ${line.quantity}  ${line.amount}`),
        ...input.receipt.totals.map(([label, value]) => `${label}  ${value}`),
        "",
      ]
    : [];
  return [
    input.heading,
    "",
    ...input.paragraphs.flatMap((text) => [text, ""]),
    ...receipt,
    `${input.action.label}${input.separator}${input.action.url}`,
    "",
    ...(input.code ? [`${input.code.label} ${input.code.value}`, ""] : []),
    input.footer,
    "",
  ].join("\n");
}

function compose(input: MailContent, attachments: MailAttachment[] = []): RenderedMail {
  return { subject: input.subject, text: plainText(input), html: layout(input), attachments };
}

/** Whom an e-mail to a customer addresses, as the customer's account has it (never as a later checkout typed it). */
interface Addressee {
  name: string;
  locale: Locale;
}

/**
 * What the e-mails show, read once per batch: businesses by id, customers by id and by the address in the business
 * that an e-mail goes to.
 */
interface Directory {
  brands: ReadonlyMap<number, MailBrand>;
  customers: ReadonlyMap<number, Addressee>;
  customersByAddress: ReadonlyMap<string, Addressee>;
}

const addressKey = (businessId: number, email: string) => `${businessId}|${email}`;

/** The receipt as the completion page shows it: in the guest's language, with numbers and dates written their way. */
function receiptOf(
  invoice: InvoiceDocument,
  t: Awaited<ReturnType<typeof translatorFor<"email">>>,
  locale: Locale,
): MailReceipt {
  const formatting = displayLocale(locale, invoice.business.locale);
  const money = (minor: number) => formatMoney(minor, invoice.currency, formatting);
  const card = invoice.paymentCard;
  return {
    heading: t("receipt"),
    facts: [
      [t("invoice"), invoice.number],
      [t("date"), formatDate(invoice.paidAt ?? invoice.issuedAt, invoice.business.timeZone, formatting)],
      ...(card ? [[t("paidWith"), paymentMethodLabel(card, t("card"))] satisfies [string, string]] : []),
    ],
    lines: invoice.lines.map((line) => ({
      description: line.description,
      quantity: `${line.quantity}\u00a0×\u00a0${money(line.unitPriceMinor)}`,
      amount: money(line.amountMinor),
    })),
    totals: [
      [t("subtotal"), money(invoice.subtotalMinor)],
      ...taxByRate(invoice.lines).map((tax): [string, string] => [
        t("taxAt", { rate: formatTaxRate(tax.rateBp, formatting) }),
        money(tax.taxMinor),
      ]),
      [t("totalPaid"), money(invoice.totalMinor)],
    ],
  };
}

/** The receipt e-mail, queued at payment: what was bought and paid, with the invoice PDF (docs/contract.md §3.7). */
async function renderReceipt(
  directory: Directory,
  payload: ReceiptMailPayload,
  recipient: string,
): Promise<RenderedMail> {
  const brand = directory.brands.get(payload.businessId);
  const invoice = await getInvoiceDocument(payload.invoiceId);
  if (brand === undefined || !invoice) throw new Error("the business or invoice of this e-mail no longer exists");
  // To an address that is already a customer's: in their language and to their name, whatever the checkout typed
  // (anyone may buy with anyone's address); the invoice attached shows what the buyer typed.
  const customer = directory.customersByAddress.get(addressKey(payload.businessId, normalizeEmail(recipient)));
  const locale = customer?.locale ?? languageOf(payload.locale);
  const t = await translatorFor(locale, "email");
  return compose(
    {
      locale,
      separator: t("factSeparator"),
      brand,
      subject: t("receiptMail.subject", { business: brand.name }),
      heading: t("receiptMail.heading"),
      paragraphs: [
        t("greeting", { name: customer?.name ?? invoice.billedToName }),
        t("receiptMail.thanks", { number: payload.invoiceNumber }),
        t("receiptMail.account"),
      ],
      keepTogether: [payload.invoiceNumber],
      receipt: receiptOf(invoice, t, locale),
      // A page that only shows (a scanner fetching it uses nothing up): the portal's sign-in form, for this address.
      action: { label: t("receiptMail.action"), url: signInUrl(recipient) },
      footer: t("footer", { business: brand.name }),
    },
    [
      {
        filename: `${invoice.number.replace(/[^\w.-]/g, "_")}.pdf`,
        contentType: "application/pdf",
        content: () => renderInvoicePdf(invoice),
      },
    ],
  );
}

function signInUrl(recipient: string): string {
  const signIn = new URL("/portal/sign-in", getConfig().appUrl);
  signIn.searchParams.set("email", recipient);
  return signIn.href;
}

/** The account e-mail of a registration (docs/contract.md §3.5); the receipt went at payment, on its own. */
async function renderRegistration(
  directory: Directory,
  kind: "registration.new_customer" | "registration.existing_customer",
  payload: RegistrationMailPayload,
  recipient: string,
): Promise<RenderedMail> {
  const brand = directory.brands.get(payload.businessId);
  const customer = directory.customers.get(payload.customerId);
  if (brand === undefined || customer === undefined)
    throw new Error("the business or customer of this e-mail no longer exists");
  // The customer's own language: that of the checkout that created them, which no later checkout changes.
  const { locale } = customer;
  const t = await translatorFor(locale, "email");
  // A new customer is told how to sign in; an existing one, what to do if the purchase was not theirs.
  const variant = kind === "registration.new_customer" ? "newCustomer" : "existingCustomer";
  const closing = variant === "newCustomer" ? t("newCustomer.signIn") : t("existingCustomer.notYou");
  return compose({
    locale,
    separator: t("factSeparator"),
    brand,
    subject: t(`${variant}.subject`, { business: brand.name }),
    heading: t(`${variant}.heading`),
    paragraphs: [
      t("greeting", { name: customer.name }),
      t(`${variant}.thanks`, { number: payload.invoiceNumber }),
      closing,
    ],
    keepTogether: [payload.invoiceNumber],
    action: { label: t(`${variant}.action`), url: signInUrl(recipient) },
    footer: t("footer", { business: brand.name }),
  });
}

/** The sender's display name, e.g. "Hive & Desk Coworking" of "Hive & Desk Coworking <billing@…>". */
function senderName(): string {
  const from = getConfig().mail.from;
  return /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1] ?? from;
}

/**
 * The sign-in e-mail: a link to our page with the button (never to what signs in), and the code for another device.
 * It comes from the business of the address's latest checkout, in its brand as its other e-mails are, or from the
 * portal itself (its own colours) when it names none or that business is gone.
 */
async function renderSignInLink(directory: Directory, payload: SignInLinkPayload): Promise<RenderedMail> {
  const minutes = Math.max(1, Math.round((new Date(payload.expiresAt).getTime() - Date.now()) / 60_000));
  const locale = languageOf(payload.locale);
  const t = await translatorFor(locale, "email");
  const { token, code } = unsealSignIn(payload.sealed);
  const link = new URL("/portal/sign-in/link", getConfig().appUrl);
  link.searchParams.set("token", token);
  link.searchParams.set("lang", locale);
  return compose({
    locale,
    separator: t("factSeparator"),
    brand: (payload.businessId === undefined ? undefined : directory.brands.get(payload.businessId)) ?? {
      name: senderName(),
      palette: brandPalette(null),
      logoUrl: null,
    },
    subject: t("signInLink.subject"),
    heading: t("signInLink.heading"),
    paragraphs: [t("signInLink.body"), t("signInLink.expiry", { minutes })],
    action: { label: t("signInLink.action"), url: link.href },
    code: { label: t("signInLink.codeLabel"), value: `${code.slice(0, 3)} ${code.slice(3)}` },
    footer: t("signInLink.footer"),
  });
}

interface OutboxRow {
  kind: string;
  recipient: string;
  payload: string;
}

const isRegistration = (kind: string): kind is "registration.new_customer" | "registration.existing_customer" =>
  kind === "registration.new_customer" || kind === "registration.existing_customer";

const RegistrationMailPayloadSchema = z.object({
  businessId: z.number().int(),
  customerId: z.number().int(),
  invoiceId: z.number().int(),
  invoiceNumber: z.string(),
  locale: z.string().optional(),
}) satisfies z.ZodType<RegistrationMailPayload>;

const ReceiptMailPayloadSchema = z.object({
  businessId: z.number().int(),
  invoiceId: z.number().int(),
  invoiceNumber: z.string(),
  locale: z.string(),
}) satisfies z.ZodType<ReceiptMailPayload>;

/** What the sign-in e-mail's payload says of its sender (the rest is read as it renders). */
const SignInSenderPayloadSchema = z.object({ businessId: z.number().int().optional() });

function payloadOf<T>(schema: z.ZodType<T>, message: OutboxRow): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(message.payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Renders outbox rows at delivery time, from ids and the current names: the businesses and customers of all
 * `messages` are read in two queries, and the function returned renders one of them (rejecting when it cannot,
 * e.g. a kind it does not know or a payload it cannot read, so that one row fails and the others go out).
 */
export async function mailRenderer(
  db: Db,
  messages: readonly OutboxRow[],
): Promise<(message: OutboxRow) => Promise<RenderedMail>> {
  const payloads = messages
    .filter((message) => isRegistration(message.kind))
    .flatMap((message) => payloadOf(RegistrationMailPayloadSchema, message) ?? []);
  const receipts = messages
    .filter((message) => message.kind === "checkout.receipt")
    .flatMap((message) => {
      const payload = payloadOf(ReceiptMailPayloadSchema, message);
      return payload ? [{ businessId: payload.businessId, email: normalizeEmail(message.recipient) }] : [];
    });
  const signInSenders = messages
    .filter((message) => message.kind === "auth.sign_in_link")
    .flatMap((message) => payloadOf(SignInSenderPayloadSchema, message)?.businessId ?? []);
  const customerSelect = { id: true, businessId: true, email: true, fullName: true, locale: true } as const;
  const [brands, customers, addressed] = await Promise.all([
    getBrands([...[...payloads, ...receipts].map((payload) => payload.businessId), ...signInSenders]),
    db.customer.findMany({
      where: { id: { in: [...new Set(payloads.map((payload) => payload.customerId))] } },
      select: customerSelect,
    }),
    receipts.length === 0 ? [] : db.customer.findMany({ where: { OR: receipts }, select: customerSelect }),
  ]);
  const addresseeOf = (customer: { fullName: string; locale: string }): Addressee => ({
    name: customer.fullName,
    locale: languageOf(customer.locale),
  });
  const { appUrl } = getConfig();
  const directory: Directory = {
    brands: new Map(
      brands.map((brand) => [
        brand.businessId,
        { name: brand.name, palette: brand.palette, logoUrl: brand.logoPath && new URL(brand.logoPath, appUrl).href },
      ]),
    ),
    customers: new Map(customers.map((customer) => [customer.id, addresseeOf(customer)])),
    customersByAddress: new Map(
      addressed.map((customer) => [addressKey(customer.businessId, customer.email), addresseeOf(customer)]),
    ),
  };
  return async (message) => {
    if (isRegistration(message.kind)) {
      const payload = payloadOf(RegistrationMailPayloadSchema, message);
      if (!payload) throw new Error(`unreadable payload of a ${message.kind} e-mail`);
      return renderRegistration(directory, message.kind, payload, message.recipient);
    }
    if (message.kind === "checkout.receipt") {
      const payload = payloadOf(ReceiptMailPayloadSchema, message);
      if (!payload) throw new Error("unreadable payload of a receipt e-mail");
      return renderReceipt(directory, payload, message.recipient);
    }
    if (message.kind === "auth.sign_in_link")
      return renderSignInLink(directory, JSON.parse(message.payload) as SignInLinkPayload);
    throw new Error(`unknown mail kind ${message.kind}`);
  };
}
