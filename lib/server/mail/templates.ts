import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/server/db";
import type { RegistrationMailPayload, SignInLinkPayload } from "@/lib/server/mail/outbox";

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** One layout for every e-mail: a short message, one button, the same words as plain text. */
function layout(input: { brand: string; heading: string; paragraphs: string[]; action: { label: string; url: string }; footer: string }): RenderedMail["html"] {
  const paragraphs = input.paragraphs.map((text) => `<p style="margin:0 0 16px">${escapeHtml(text)}</p>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(input.heading)}</title></head>
<body style="margin:0;background:#f6f5f1;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;line-height:1.5">
<div style="max-width:560px;margin:0 auto;padding:32px 16px">
<p style="margin:0 0 16px;font-weight:600;color:#1f6f5c">${escapeHtml(input.brand)}</p>
<div style="background:#fff;border:1px solid #d8d6cf;border-radius:12px;padding:24px">
<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(input.heading)}</h1>
${paragraphs}
<p style="margin:24px 0"><a href="${escapeHtml(input.action.url)}" style="display:inline-block;background:#1f6f5c;color:#fff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600">${escapeHtml(input.action.label)}</a></p>
<p style="margin:0;font-size:13px;color:#57606a">${escapeHtml(input.footer)}</p>
</div></div></body></html>`;
}

function plainText(input: { heading: string; paragraphs: string[]; action: { label: string; url: string }; footer: string }): string {
  return [input.heading, "", ...input.paragraphs.flatMap((text) => [text, ""]), `${input.action.label}: ${input.action.url}`, "", input.footer, ""].join("\n");
}

function compose(input: { brand: string; subject: string; heading: string; paragraphs: string[]; action: { label: string; url: string }; footer: string }): RenderedMail {
  return { subject: input.subject, text: plainText(input), html: layout(input) };
}

/** The current names the registration e-mails show, by id. */
interface Names {
  businesses: ReadonlyMap<number, string>;
  customers: ReadonlyMap<number, string>;
}

function renderRegistration(names: Names, kind: "registration.new_customer" | "registration.existing_customer", payload: RegistrationMailPayload, recipient: string): RenderedMail {
  const businessName = names.businesses.get(payload.businessId);
  const customerName = names.customers.get(payload.customerId);
  if (businessName === undefined || customerName === undefined) throw new Error("the business or customer of this e-mail no longer exists");
  const signIn = new URL("/portal/sign-in", getConfig().appUrl);
  signIn.searchParams.set("email", recipient);
  const greeting = `Hello ${customerName},`;
  const footer = `You receive this e-mail because you bought from ${businessName}. Sign-in links are sent only to this address.`;
  if (kind === "registration.new_customer") {
    return compose({
      brand: businessName,
      subject: `Your ${businessName} account is ready — sign in`,
      heading: "Your account is ready",
      paragraphs: [
        greeting,
        `Thank you for your purchase. Invoice ${payload.invoiceNumber} is paid, and we have created your customer account so you can find it again at any time.`,
        "To sign in, ask for a one-time link on the sign-in page; we send it to this address. No password needed.",
      ],
      action: { label: "Sign in to your account", url: signIn.href },
      footer,
    });
  }
  return compose({
    brand: businessName,
    subject: `A purchase was added to your ${businessName} account`,
    heading: "A purchase was added to your account",
    paragraphs: [
      greeting,
      `Invoice ${payload.invoiceNumber} is paid and now appears in your account, with your earlier invoices.`,
      "If you did not make this purchase, reply to this e-mail and we will look into it.",
    ],
    action: { label: "See your invoices", url: signIn.href },
    footer,
  });
}

/** The sender's display name, e.g. "Hive & Desk Coworking" of "Hive & Desk Coworking <billing@…>". */
function senderName(): string {
  const from = getConfig().mail.from;
  return /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1] ?? from;
}

function renderSignInLink(payload: SignInLinkPayload): RenderedMail {
  const minutes = Math.max(1, Math.round((new Date(payload.expiresAt).getTime() - Date.now()) / 60_000));
  return compose({
    brand: senderName(),
    subject: "Your sign-in link",
    heading: "Sign in to your account",
    paragraphs: [
      "Use the button below to sign in to the customer portal, where your invoices are.",
      `The link works once and expires in ${minutes} minutes.`,
    ],
    action: { label: "Sign in", url: payload.url },
    footer: "If you did not ask to sign in, ignore this e-mail: nobody can sign in without the link.",
  });
}

export interface OutboxRow {
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
}) satisfies z.ZodType<RegistrationMailPayload>;

function registrationPayloadOf(message: OutboxRow): RegistrationMailPayload | null {
  try {
    const parsed = RegistrationMailPayloadSchema.safeParse(JSON.parse(message.payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Renders outbox rows at delivery time, from ids and the current names: the names of all `messages` are read
 * in two queries, and the function returned renders one of them (throwing when it cannot, e.g. a kind it does
 * not know or a payload it cannot read, so that one row fails and the others go out).
 */
export async function mailRenderer(db: Db, messages: readonly OutboxRow[]): Promise<(message: OutboxRow) => RenderedMail> {
  const payloads = messages.filter((message) => isRegistration(message.kind)).flatMap((message) => registrationPayloadOf(message) ?? []);
  const [businesses, customers] = await Promise.all([
    db.business.findMany({ where: { id: { in: [...new Set(payloads.map((payload) => payload.businessId))] } }, select: { id: true, name: true } }),
    db.customer.findMany({ where: { id: { in: [...new Set(payloads.map((payload) => payload.customerId))] } }, select: { id: true, fullName: true } }),
  ]);
  const names: Names = {
    businesses: new Map(businesses.map((business) => [business.id, business.name])),
    customers: new Map(customers.map((customer) => [customer.id, customer.fullName])),
  };
  return (message) => {
    if (isRegistration(message.kind)) {
      const payload = registrationPayloadOf(message);
      if (!payload) throw new Error(`unreadable payload of a ${message.kind} e-mail`);
      return renderRegistration(names, message.kind, payload, message.recipient);
    }
    if (message.kind === "auth.sign_in_link") return renderSignInLink(JSON.parse(message.payload) as SignInLinkPayload);
    throw new Error(`unknown mail kind ${message.kind}`);
  };
}
