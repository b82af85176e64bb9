"use client";

import { useTranslations } from "next-intl";
import type { ChangeEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { applyCardFieldChange, cardBrandOf, CARD_BRAND_NAMES } from "@/lib/card-input";
import { formatTaxRate } from "@/lib/format";
import type { sumLines } from "@/lib/money";

import { CardBrandMark } from "./card-brand-mark";
import checkout from "./checkout-form.module.css";
import { fieldId, MAX_QUANTITY, type FieldErrors, type Said } from "./use-checkout-submission";

/** The sections of the checkout form: the products and their totals, the guest's details, the card. */

export interface CheckoutProduct {
  id: number;
  name: string;
  description: string;
  unitPriceMinor: number;
  taxRateBp: number;
}

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

export type GuestField = (typeof GUEST_FIELDS)[number]["name"] | "billingCountry";

const CARD_FIELDS = [
  { name: "number", label: "cardNumber", autoComplete: "cc-number", placeholder: null },
  { name: "expiry", label: "cardExpiry", autoComplete: "cc-exp", placeholder: "cardExpiryPlaceholder" },
  { name: "cvc", label: "cardCvc", autoComplete: "cc-csc", placeholder: null },
] as const;

export type CardDetails = Record<(typeof CARD_FIELDS)[number]["name"], string>;

/** What an input is described by: its error when it has one, else its hint when it has one. */
function describedBy(errors: FieldErrors, path: string, hint?: boolean): string | undefined {
  return errors[path] ? `${fieldId(path)}-error` : hint ? `${fieldId(path)}-hint` : undefined;
}

/** The form's words for something it says (a field's error, the form's notice), in the guest's language. */
export function useSay(): (said: Said) => string {
  const t = useTranslations("checkout");
  return (said) => t(said.key, said.values);
}

function FieldError({ path, errors }: { path: string; errors: FieldErrors }) {
  const say = useSay();
  const said = errors[path];
  return said ? (
    <p className={styles.error} id={`${fieldId(path)}-error`}>
      {say(said)}
    </p>
  ) : null;
}

export function ProductsSection({
  products,
  quantities,
  onQuantity,
  totals,
  money,
  locale,
  errors,
}: {
  products: readonly CheckoutProduct[];
  quantities: Readonly<Record<number, number>>;
  onQuantity: (productId: number, value: number) => void;
  totals: ReturnType<typeof sumLines>;
  money: (minor: number) => string;
  locale: string;
  errors: FieldErrors;
}) {
  const t = useTranslations("checkout");
  return (
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
              onChange={(event) => onQuantity(product.id, event.target.valueAsNumber)}
              aria-describedby={errors.lines ? `${fieldId("lines")}-error` : undefined}
            />
          </li>
        ))}
      </ul>
      <FieldError path="lines" errors={errors} />
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
  );
}

export function GuestSection({
  guest,
  onGuest,
  countries,
  errors,
}: {
  guest: Readonly<Record<GuestField, string>>;
  onGuest: (field: GuestField, value: string) => void;
  countries: readonly { code: string; name: string }[];
  errors: FieldErrors;
}) {
  const t = useTranslations("checkout");
  return (
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
                onChange={(event) => onGuest(field.name, event.target.value)}
                aria-invalid={errors[path] ? true : undefined}
                aria-describedby={describedBy(errors, path, Boolean(hint))}
              />
              {errors[path] ? (
                <FieldError path={path} errors={errors} />
              ) : (
                hint && (
                  <p className={styles.hint} id={`${fieldId(path)}-hint`}>
                    {hint}
                  </p>
                )
              )}
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
            onChange={(event) => onGuest("billingCountry", event.target.value)}
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
  );
}

export function CardSection({
  card,
  onCard,
  onCardLeft,
  errors,
}: {
  card: CardDetails;
  onCard: (field: keyof CardDetails, value: string) => void;
  /** A card field was left, holding this. */
  onCardLeft: (field: keyof CardDetails, value: string) => void;
  errors: FieldErrors;
}) {
  const t = useTranslations("checkout");
  const brand = cardBrandOf(card.number);

  /** Formats the field as it is typed, and keeps the caret after the digits it followed. */
  function change(field: keyof CardDetails, event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const edit = applyCardFieldChange(field, {
      value: input.value,
      caret: input.selectionStart ?? input.value.length,
      previous: card[field],
      inputType: (event.nativeEvent as InputEvent).inputType ?? "",
    });
    // Written before React renders, so React finds the field as it wants it and leaves the caret where it is put here.
    input.value = edit.value;
    if (document.activeElement === input) input.setSelectionRange(edit.caret, edit.caret);
    onCard(field, edit.value);
  }

  return (
    <fieldset className={checkout.fieldset}>
      <legend className={checkout.legend}>{t("payment")}</legend>
      <p className={styles.hint} id="test-card-hint">
        {t("testCard")}
      </p>
      <div className={checkout.cardGrid}>
        {CARD_FIELDS.map((field) => {
          const path = `card.${field.name}`;
          const isNumber = field.name === "number";
          const described = [
            describedBy(errors, path) ?? (isNumber ? "test-card-hint" : undefined),
            isNumber && brand ? `${fieldId(path)}-brand` : undefined,
          ].filter(Boolean);
          const input = (
            <input
              className={`${styles.input} ${isNumber ? checkout.number : ""}`}
              id={fieldId(path)}
              inputMode="numeric"
              autoComplete={field.autoComplete}
              placeholder={field.placeholder ? t(field.placeholder) : isNumber ? "1234 1234 1234 1234" : "123"}
              value={card[field.name]}
              onChange={(event) => change(field.name, event)}
              onBlur={(event) => onCardLeft(field.name, event.target.value)}
              aria-invalid={errors[path] ? true : undefined}
              aria-describedby={described.length > 0 ? described.join(" ") : undefined}
            />
          );
          return (
            <div className={`${styles.field} ${isNumber ? checkout.wide : ""}`} key={field.name}>
              <label className={styles.label} htmlFor={fieldId(path)}>
                {t(field.label)}
              </label>
              {isNumber ? (
                <div className={checkout.numberBox}>
                  {input}
                  {/* Always there, so a screen reader announces the brand when the first digits tell it. */}
                  <span className={checkout.brand} id={`${fieldId(path)}-brand`} aria-live="polite">
                    {brand && (
                      <>
                        <CardBrandMark brand={brand} />
                        <span className="visually-hidden">
                          {t("cardBrand", { brand: CARD_BRAND_NAMES[brand].name })}
                        </span>
                      </>
                    )}
                  </span>
                </div>
              ) : (
                input
              )}
              <FieldError path={path} errors={errors} />
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
