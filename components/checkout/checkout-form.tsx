"use client";

import { useMemo, useRef, useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";
import { formatMoney, formatTaxRate } from "@/lib/format";
import { priceLine, sumLines } from "@/lib/money";
import { PlaceCheckoutSchema } from "@/lib/validation/checkout";

import checkout from "./checkout-form.module.css";

export interface CheckoutProduct {
  id: number;
  name: string;
  description: string;
  unitPriceMinor: number;
  taxRateBp: number;
}

const MAX_QUANTITY = 20;

const GUEST_FIELDS = [
  { name: "fullName", label: "Full name", autoComplete: "name", required: true },
  { name: "email", label: "E-mail address", autoComplete: "email", type: "email", required: true, hint: "We e-mail your receipt and invoice here." },
  { name: "company", label: "Company (optional)", autoComplete: "organization" },
  { name: "phone", label: "Phone (optional)", autoComplete: "tel", type: "tel" },
  { name: "billingLine1", label: "Billing address (optional)", autoComplete: "address-line1" },
  { name: "billingPostalCode", label: "Postcode (optional)", autoComplete: "postal-code" },
  { name: "billingCity", label: "Town or city (optional)", autoComplete: "address-level2" },
] as const;

type GuestField = (typeof GUEST_FIELDS)[number]["name"] | "billingCountry";
type Errors = Partial<Record<string, string>>;

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
  const [formError, setFormError] = useState<string | null>(null);
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
  const totals = sumLines(lines.map(({ product, quantity }) => priceLine({ quantity, unitPriceMinor: product.unitPriceMinor, taxRateBp: product.taxRateBp })));

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
      for (const issue of parsed.error.issues) found[issue.path.join(".")] ??= issue.message;
      setErrors(found);
      setFormError("Some details need your attention; see the messages below.");
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
      const { data } = await httpClient.post<typeof endpoint.type>(endpoint.url, payload);
      window.location.assign(data.completionUrl);
      return; // keep the button disabled while the next page loads
    } catch (error) {
      if (error instanceof ApiError && error.code === "payment_declined") {
        setErrors({ "card.number": error.message });
        document.getElementById(fieldId("card.number"))?.focus();
      } else if (error instanceof ApiError) {
        setFormError(error.message);
      } else {
        setFormError("We could not reach our server. Check your connection and try again — you will not be charged twice.");
      }
    }
    inFlight.current = false;
    setSubmitting(false);
  }

  const describedBy = (path: string, hint?: boolean) => (errors[path] ? `${fieldId(path)}-error` : hint ? `${fieldId(path)}-hint` : undefined);
  const errorOf = (path: string) =>
    errors[path] ? (
      <p className={styles.error} id={`${fieldId(path)}-error`}>
        {errors[path]}
      </p>
    ) : null;

  return (
    <form className={styles.form} onSubmit={submit} noValidate aria-describedby={formError ? "form-error" : undefined}>
      {formError && (
        <p className={styles.notice} id="form-error" role="alert">
          {formError}
        </p>
      )}

      <fieldset className={checkout.fieldset}>
        <legend className={checkout.legend}>Choose</legend>
        <ul className={checkout.products}>
          {products.map((product) => (
            <li key={product.id} className={checkout.product}>
              <div>
                <label className={styles.label} htmlFor={fieldId(`quantity-${product.id}`)}>
                  {product.name}
                </label>
                <p className={styles.hint}>
                  {product.description} · {money(product.unitPriceMinor)} + {formatTaxRate(product.taxRateBp, locale)} VAT
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
            <dt>Subtotal</dt>
            <dd>{money(totals.subtotalMinor)}</dd>
          </div>
          <div>
            <dt>VAT</dt>
            <dd>{money(totals.taxMinor)}</dd>
          </div>
          <div className={checkout.total}>
            <dt>Total</dt>
            <dd>{money(totals.totalMinor)}</dd>
          </div>
        </dl>
      </fieldset>

      <fieldset className={checkout.fieldset}>
        <legend className={checkout.legend}>Your details</legend>
        <div className={checkout.grid}>
          {GUEST_FIELDS.map((field) => {
            const path = `guest.${field.name}`;
            const hint = "hint" in field ? field.hint : undefined;
            return (
              <div className={styles.field} key={field.name}>
                <label className={styles.label} htmlFor={fieldId(path)}>
                  {field.label}
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
              Country
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
        <legend className={checkout.legend}>Payment</legend>
        <p className={styles.hint} id="test-card-hint">
          This is a test shop: pay with 4242 4242 4242 4242, any future expiry date and any CVC. Nothing is charged.
        </p>
        <div className={checkout.cardGrid}>
          {(
            [
              { name: "number", label: "Card number", autoComplete: "cc-number", placeholder: "1234 1234 1234 1234" },
              { name: "expiry", label: "Expiry (MM/YY)", autoComplete: "cc-exp", placeholder: "MM/YY" },
              { name: "cvc", label: "CVC", autoComplete: "cc-csc", placeholder: "123" },
            ] as const
          ).map((field) => {
            const path = `card.${field.name}`;
            return (
              <div className={`${styles.field} ${field.name === "number" ? checkout.wide : ""}`} key={field.name}>
                <label className={styles.label} htmlFor={fieldId(path)}>
                  {field.label}
                </label>
                <input
                  className={styles.input}
                  id={fieldId(path)}
                  inputMode="numeric"
                  autoComplete={field.autoComplete}
                  placeholder={field.placeholder}
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
        {submitting ? "Paying…" : `Pay ${money(totals.totalMinor)}`}
      </button>
    </form>
  );
}
