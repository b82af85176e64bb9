"use client";

import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";

import styles from "@/components/ui/form.module.css";
import { formatMoney } from "@/lib/format";
import { priceLine, sumLines } from "@/lib/money";

import {
  CardSection,
  GuestSection,
  ProductsSection,
  useSay,
  type CardDetails,
  type CheckoutProduct,
  type GuestField,
} from "./checkout-fields";
import checkout from "./checkout-form.module.css";
import { MAX_QUANTITY, useCheckoutSubmission } from "./use-checkout-submission";

/**
 * The checkout (docs/contract.md §4.1): products with a running total, the guest's details checked with the server's own
 * schemas, and the card. One submission at a time; a resubmission of an unchanged order reuses its key, so
 * the server never charges it twice (useCheckoutSubmission).
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
  const say = useSay();
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
  const [card, setCard] = useState<CardDetails>({ number: "", expiry: "", cvc: "" });

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
  const { errors, formError, submitting, submit, checkCardField } = useCheckoutSubmission({
    lines: lines.map(({ product, quantity }) => ({ productId: product.id, quantity })),
    guest,
    card,
    firstQuantityField: `quantity-${products[0]?.id}`,
  });

  function setQuantity(productId: number, value: number) {
    const quantity = Math.max(0, Math.min(MAX_QUANTITY, Number.isFinite(value) ? Math.trunc(value) : 0));
    setQuantities((current) => ({ ...current, [productId]: quantity }));
  }

  return (
    <form className={styles.form} onSubmit={submit} noValidate aria-describedby={formError ? "form-error" : undefined}>
      {formError && (
        <p className={styles.notice} id="form-error" role="alert">
          {say(formError)}
        </p>
      )}
      <ProductsSection
        products={products}
        quantities={quantities}
        onQuantity={setQuantity}
        totals={totals}
        money={money}
        locale={locale}
        errors={errors}
      />
      <GuestSection
        guest={guest}
        onGuest={(field, value) => setGuest((current) => ({ ...current, [field]: value }))}
        countries={countries}
        errors={errors}
      />
      <CardSection
        card={card}
        onCard={(field, value) => {
          setCard((current) => ({ ...current, [field]: value }));
          checkCardField(field, value, false);
        }}
        onCardLeft={(field, value) => checkCardField(field, value, true)}
        errors={errors}
      />
      <button className={`${styles.button} ${checkout.pay}`} type="submit" disabled={submitting}>
        {submitting ? t("paying") : t("pay", { total: money(totals.totalMinor) })}
      </button>
    </form>
  );
}
