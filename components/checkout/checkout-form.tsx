"use client";

import { useTranslations } from "next-intl";
import { useMemo, useRef, useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import type { ErrorCode } from "@/lib/api/error-codes";
import { ApiError, httpClient } from "@/lib/api/http-client";
import { formatMoney, formatTaxRate } from "@/lib/format";
import type { Messages } from "@/lib/i18n/messages";
import { priceLine, sumLines } from "@/lib/money";
import { PlaceCheckoutSchema } from "@/lib/validation/checkout";
import { LINE_BREAK_REASON } from "@/lib/validation/guest";

import checkout from "./checkout-form.module.css";

interface CheckoutProduct {
  id: number;
  name: string;
  description: string;
  unitPriceMinor: number;
  taxRateBp: number;
}

const MAX_QUANTITY = 20;

/** The guest's fields; each one's label is the message of its name in the "checkout" messages. */
const GUEST_FIELDS = [
  { name: "fullName", autoComplete: "name", required: true },
  { name: "email", autoComplete: "email", type: "email", required: true, hint: "emailHint" },
  { name: "company", autoComplete: "organization" },
  { name: "phone", autoComplete: "tel", type: "tel" },
  { name: "billingLine1", autoComplete: "address-line1" },
  { name: "billingPostalCode", autoComplete: "postal-code" },
  { name: "billingCity", autoComplete: "address-level2" },
] as const;

const CARD_FIELDS = [
  { name: "number", label: "cardNumber", autoComplete: "cc-number", placeholder: null },
  { name: "expiry", label: "cardExpiry", autoComplete: "cc-exp", placeholder: "cardExpiryPlaceholder" },
  { name: "cvc", label: "cardCvc", autoComplete: "cc-csc", placeholder: null },
] as const;

type GuestField = (typeof GUEST_FIELDS)[number]["name"] | "billingCountry";
type ErrorKey = keyof Messages["checkout"]["errors"];
/**
 * What the form says, kept as a message and its values rather than as words: a guest who switches language
 * afterwards reads it in the new one.
 */
interface Said {
  key: `errors.${ErrorKey}` | "declined" | "fixFields" | "unreachable" | ReturnType<typeof failureKeyOf>;
  values?: { max: number };
}
type Errors = Partial<Record<string, Said>>;

/**
 * What to tell the guest about one problem the checkout's schema found, in their language: by the field it is
 * about and the kind of problem (the schema's own words are the API's, in English), with the limit it broke.
 */
function problemOf(issue: {
  path: PropertyKey[];
  code: string;
  maximum?: unknown;
  params?: Record<string, unknown>;
}): [ErrorKey, { max: number }] {
  const path = issue.path.join(".");
  const max = { max: Number(issue.maximum ?? 0) };
  const tooLong = issue.code === "too_big";
  if (path === "lines") return ["lines", max];
  if (path.startsWith("lines.")) return ["quantity", { max: tooLong ? max.max : MAX_QUANTITY }];
  switch (path) {
    case "guest.email":
      return [issue.code === "too_small" || issue.code === "invalid_type" ? "emailMissing" : "email", max];
    case "guest.billingCountry":
      return ["billingCountry", max];
    case "card.number":
      return [issue.code === "custom" ? "cardNumberInvalid" : "cardNumber", max];
    case "card.expiry":
      return [issue.code === "custom" ? "cardExpired" : "cardExpiry", max];
    case "card.cvc":
      return ["cardCvc", max];
  }
  if (tooLong) return ["tooLong", max];
  if (issue.params?.reason === LINE_BREAK_REASON) return ["oneLine", max];
  if (path === "guest.fullName" && (issue.code === "too_small" || issue.code === "invalid_type"))
    return ["fullName", max];
  return ["controlCharacters", max];
}

/** The form's message for an answer of the checkout endpoint other than success (a decline is shown at the card). */
function failureKeyOf(code: ErrorCode | null): "inProgress" | "alreadyCompleted" | "rateLimited" | "failed" {
  switch (code) {
    case "checkout_in_progress":
      return "inProgress";
    case "order_already_completed":
      return "alreadyCompleted";
    case "rate_limited":
      return "rateLimited";
    default:
      return "failed";
  }
}

/** How often the form asks again while another submission of its order is being charged (409 with Retry-After). */
const IN_PROGRESS_ATTEMPTS = 8;

/** Runs `post` again, after the Retry-After the server gave, while it answers that the order is being charged. */
async function untilNotInProgress<T>(post: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "checkout_in_progress") || attempt >= IN_PROGRESS_ATTEMPTS)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5, error.retryAfterSeconds ?? 1) * 1000));
    }
  }
}

function fieldId(path: string): string {
  return `field-${path.replace(/\./g, "-")}`;
}

/**
 * The checkout (docs/contract.md §4.1): products with a running total, the guest's details checked with the server's own
 * schemas, and the card. One submission at a time; a resubmission of an unchanged order reuses its key, so
 * the server never charges it twice.
 */
export function CheckoutForm({
  currency,
  locale,
  products,
  countries,
}: {
  currency: string;
  locale: string;
  products: CheckoutProduct[];
  countries: { code: string; name: string }[];
}) {
  const t = useTranslations("checkout");
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const [guest, setGuest] = useState<Record<GuestField, string>>({
    fullName: "",
    email: "",
    company: "",
    phone: "",
    billingLine1: "",
    billingPostalCode: "",
    billingCity: "",
    billingCountry: "GB",
  });
  const [card, setCard] = useState({ number: "", expiry: "", cvc: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<Said | null>(null);
  const say = (said: Said) => t(said.key, said.values);
  const [submitting, setSubmitting] = useState(false);
  const inFlight = useRef(false);
  const order = useRef<{ key: string; fingerprint: string } | null>(null);

  const money = (minor: number) => formatMoney(minor, currency, locale);
  const lines = useMemo(
    () =>
      products
        .filter((product) => (quantities[product.id] ?? 0) > 0)
        .map((product) => ({ product, quantity: quantities[product.id] ?? 0 })),
    [products, quantities],
  );
  const totals = sumLines(
    lines.map(({ product, quantity }) =>
      priceLine({ quantity, unitPriceMinor: product.unitPriceMinor, taxRateBp: product.taxRateBp }),
    ),
  );

  function setQuantity(productId: number, value: number) {
    const quantity = Math.max(0, Math.min(MAX_QUANTITY, Number.isFinite(value) ? Math.trunc(value) : 0));
    setQuantities((current) => ({ ...current, [productId]: quantity }));
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (inFlight.current) return;

    const orderLines = lines.map(({ product, quantity }) => ({ productId: product.id, quantity }));
    // Optional fields left empty are left out; the required ones go as typed, so their messages are specific.
    const guestInput = Object.fromEntries(
      Object.entries(guest).filter(([name, value]) => name === "fullName" || name === "email" || value.trim() !== ""),
    );
    // The same order (same lines, same guest) keeps its key across attempts; a changed order is a new one.
    const fingerprint = JSON.stringify([orderLines, guestInput]);
    if (order.current?.fingerprint !== fingerprint) order.current = { key: crypto.randomUUID(), fingerprint };
    const payload = { orderKey: order.current.key, guest: guestInput, lines: orderLines, card };

    const parsed = PlaceCheckoutSchema.safeParse(payload);
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) {
        const [key, values] = problemOf(issue);
        found[issue.path.join(".")] ??= { key: `errors.${key}`, values };
      }
      setErrors(found);
      setFormError({ key: "fixFields" });
      const first = Object.keys(found)[0];
      if (first) document.getElementById(fieldId(first === "lines" ? `quantity-${products[0]?.id}` : first))?.focus();
      return;
    }

    setErrors({});
    setFormError(null);
    inFlight.current = true;
    setSubmitting(true);
    try {
      const endpoint = endpoints.checkout.place();
      const { data } = await untilNotInProgress(() => httpClient.post<typeof endpoint.type>(endpoint.url, payload));
      window.location.assign(data.completionUrl);
      return; // keep the button disabled while the next page loads
    } catch (error) {
      if (error instanceof ApiError && error.code === "payment_declined") {
        setErrors({ "card.number": { key: "declined" } });
        document.getElementById(fieldId("card.number"))?.focus();
      } else if (error instanceof ApiError) {
        setFormError({ key: failureKeyOf(error.code) });
      } else {
        setFormError({ key: "unreachable" });
      }
    }
    inFlight.current = false;
    setSubmitting(false);
  }

  const describedBy = (path: string, hint?: boolean) =>
    errors[path] ? `${fieldId(path)}-error` : hint ? `${fieldId(path)}-hint` : undefined;
  const errorOf = (path: string) => {
    const said = errors[path];
    return said ? (
      <p className={styles.error} id={`${fieldId(path)}-error`}>
        {say(said)}
      </p>
    ) : null;
  };

  return (
    <form className={styles.form} onSubmit={submit} noValidate aria-describedby={formError ? "form-error" : undefined}>
      {formError && (
        <p className={styles.notice} id="form-error" role="alert">
          {say(formError)}
        </p>
      )}

      <fieldset className={checkout.fieldset}>
        <legend className={checkout.legend}>{t("choose")}</legend>
        <ul className={checkout.products}>
          {products.map((product) => (
            <li key={product.id} className={checkout.product}>
              <div>
                <label className={styles.label} htmlFor={fieldId(`quantity-${product.id}`)}>
                  {product.name}
                </label>
                <p className={styles.hint}>
                  {t("productPrice", {
                    description: product.description,
                    price: money(product.unitPriceMinor),
                    taxRate: formatTaxRate(product.taxRateBp, locale),
                  })}
                </p>
              </div>
              <input
                className={`${styles.input} ${checkout.quantity}`}
                id={fieldId(`quantity-${product.id}`)}
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_QUANTITY}
                value={quantities[product.id] ?? 0}
                onChange={(event) => setQuantity(product.id, event.target.valueAsNumber)}
                aria-describedby={errors.lines ? `${fieldId("lines")}-error` : undefined}
              />
            </li>
          ))}
        </ul>
        {errorOf("lines")}
        <dl className={checkout.totals} aria-live="polite">
          <div>
            <dt>{t("subtotal")}</dt>
            <dd>{money(totals.subtotalMinor)}</dd>
          </div>
          <div>
            <dt>{t("vat")}</dt>
            <dd>{money(totals.taxMinor)}</dd>
          </div>
          <div className={checkout.total}>
            <dt>{t("total")}</dt>
            <dd>{money(totals.totalMinor)}</dd>
          </div>
        </dl>
      </fieldset>

      <fieldset className={checkout.fieldset}>
        <legend className={checkout.legend}>{t("details")}</legend>
        <div className={checkout.grid}>
          {GUEST_FIELDS.map((field) => {
            const path = `guest.${field.name}`;
            const hint = "hint" in field ? t(field.hint) : undefined;
            return (
              <div className={styles.field} key={field.name}>
                <label className={styles.label} htmlFor={fieldId(path)}>
                  {t(field.name)}
                </label>
                <input
                  className={styles.input}
                  id={fieldId(path)}
                  type={"type" in field ? field.type : "text"}
                  autoComplete={field.autoComplete}
                  required={"required" in field}
                  value={guest[field.name]}
                  onChange={(event) => setGuest((current) => ({ ...current, [field.name]: event.target.value }))}
                  aria-invalid={errors[path] ? true : undefined}
                  aria-describedby={describedBy(path, Boolean(hint))}
                />
                {errorOf(path) ??
                  (hint && (
                    <p className={styles.hint} id={`${fieldId(path)}-hint`}>
                      {hint}
                    </p>
                  ))}
              </div>
            );
          })}
          <div className={styles.field}>
            <label className={styles.label} htmlFor={fieldId("guest.billingCountry")}>
              {t("billingCountry")}
            </label>
            <select
              className={styles.input}
              id={fieldId("guest.billingCountry")}
              autoComplete="country"
              value={guest.billingCountry}
              onChange={(event) => setGuest((current) => ({ ...current, billingCountry: event.target.value }))}
            >
              {countries.map((country) => (
                <option key={country.code} value={country.code}>
                  {country.name}
                </option>
              ))}
            </select>
          </div>
        </div>
      </fieldset>

      <fieldset className={checkout.fieldset}>
        <legend className={checkout.legend}>{t("payment")}</legend>
        <p className={styles.hint} id="test-card-hint">
          {t("testCard")}
        </p>
        <div className={checkout.cardGrid}>
          {CARD_FIELDS.map((field) => {
            const path = `card.${field.name}`;
            return (
              <div className={`${styles.field} ${field.name === "number" ? checkout.wide : ""}`} key={field.name}>
                <label className={styles.label} htmlFor={fieldId(path)}>
                  {t(field.label)}
                </label>
                <input
                  className={styles.input}
                  id={fieldId(path)}
                  inputMode="numeric"
                  autoComplete={field.autoComplete}
                  placeholder={
                    field.placeholder ? t(field.placeholder) : field.name === "number" ? "1234 1234 1234 1234" : "123"
                  }
                  value={card[field.name]}
                  onChange={(event) => setCard((current) => ({ ...current, [field.name]: event.target.value }))}
                  aria-invalid={errors[path] ? true : undefined}
                  aria-describedby={describedBy(path) ?? (field.name === "number" ? "test-card-hint" : undefined)}
                />
                {errorOf(path)}
              </div>
            );
          })}
        </div>
      </fieldset>

      <button className={`${styles.button} ${checkout.pay}`} type="submit" disabled={submitting}>
        {submitting ? t("paying") : t("pay", { total: money(totals.totalMinor) })}
      </button>
    </form>
  );
}
