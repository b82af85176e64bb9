import { z } from "@/lib/validation/zod";

/**
 * Control characters (NUL above all, which PostgreSQL cannot store; tabs; the C1 controls), the invisible marks that
 * reverse the direction of the text after them ("Evil \u202Eexe.tool", and Arabic's letter mark), the invisible
 * spaces and fillers that make an empty-looking name (zero-width space, word joiners, a byte-order mark, the Hangul
 * fillers), the deprecated format controls and interlinear annotations that hide text, tag characters (which can
 * spell hidden ASCII), private-use and unassigned code points (noncharacters among them), and a lone half of a UTF-16
 * surrogate pair (no character at all: stored as mojibake) have no place in a name or an address. They would make it
 * read differently, or not at all, on staff pages, in e-mails and on the invoice. The zero-width joiner and
 * non-joiner stay: emoji and several scripts (Persian, Indic) need them.
 */
const NO_CONTROL_CHARACTERS =
  /^[^\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u115f\u1160\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}\ud800-\udfff\p{Co}\p{Cn}]*$/u;
/** A name shows at least one letter or digit: invisible marks alone would look like no name at all. */
const HAS_LETTER = /[\p{L}\p{N}]/u;
const noControlCharacters = "must not contain control characters";

/**
 * Every field of the guest's details is one line on the invoice, in e-mails and on staff pages: a line break would
 * let a name draw lines of its own there ("Subject: …" in a receipt's body, pages of blank lines in a PDF).
 */
const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;
/** The issue's `params.reason`, by which the checkout form picks its words for it. */
export const LINE_BREAK_REASON = "line_break";
const oneLine = (value: string | undefined) => value === undefined || !LINE_BREAK.test(value);
const oneLineIssue = { message: "must be on one line", params: { reason: LINE_BREAK_REASON } };

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(oneLine, oneLineIssue)
    .regex(NO_CONTROL_CHARACTERS, noControlCharacters)
    .optional()
    .transform((value) => (value ? value : undefined));

/** The guest's details, as the checkout form and the server both validate them. */
export const GuestDetailsSchema = z.object({
  fullName: z
    .string({ error: "Enter your full name" })
    .trim()
    .min(1, "Enter your full name")
    .max(200, "Your name must be at most 200 characters")
    .refine(oneLine, { ...oneLineIssue, message: "Your name must be on one line" })
    .regex(NO_CONTROL_CHARACTERS, "Your name must not contain control characters")
    .regex(HAS_LETTER, "Your name must have a letter"),
  email: z
    .string({ error: "Enter your e-mail address" })
    .trim()
    .min(1, "Enter your e-mail address")
    .max(254, "The e-mail address is too long")
    .pipe(z.email("Enter a valid e-mail address")),
  company: optionalText(200),
  phone: optionalText(40),
  billingLine1: optionalText(200),
  billingLine2: optionalText(200),
  billingCity: optionalText(100),
  billingPostalCode: optionalText(20),
  billingCountry: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "Use a two-letter country code")
    .transform((code) => code.toUpperCase())
    .optional(),
});
/** E-mails are stored trimmed and lower-cased, so one address is one customer per business. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
