import { describe, expect, it } from "vitest";

import { PlaceCheckoutSchema } from "@/lib/validation/checkout";
import { CardSchema, INCOMPLETE_CARD_NUMBER_REASON } from "@/lib/validation/payment";

/** Two years ahead, as MM/YY: never expired while these tests run. */
const future = `12/${String((new Date().getUTCFullYear() + 2) % 100).padStart(2, "0")}`;
const [, futureYear] = future.split("/");

function problems(card: Record<string, string>) {
  const parsed = CardSchema.safeParse(card);
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join("."), issue }));
}

describe("the card schema, shared by the checkout form and the server", () => {
  it.each([
    ["1229-style digits", `12${futureYear}`],
    ["MM/YY", `12/${futureYear}`],
    ["MM / YY, as the form shows it", `12 / ${futureYear}`],
    ["a one-digit month", `1/${futureYear}`],
    ["a four-digit year", `12/20${futureYear}`],
  ])("takes the expiry as %s and holds it as MM/YY", (_, expiry) => {
    const card = CardSchema.parse({ number: "4242 4242 4242 4242", expiry, cvc: "123" });
    expect(card.expiry).toBe(expiry.startsWith("1/") ? `01/${futureYear}` : `12/${futureYear}`);
  });

  it("takes the number as the form groups it, pasted with dashes, or bare", () => {
    for (const number of ["4242 4242 4242 4242", "4242-4242-4242-4242", "4242424242424242", "3782 822463 10005"]) {
      expect(CardSchema.parse({ number, expiry: future, cvc: "1234" }).number).toBe(number.replace(/\D/g, ""));
    }
  });

  it("the server takes what the form sends", () => {
    const parsed = PlaceCheckoutSchema.safeParse({
      orderKey: "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b",
      guest: { fullName: "Jo Guest", email: "jo@example.com", billingCountry: "GB" },
      lines: [{ productId: 1, quantity: 1 }],
      card: { number: "4242 4242 4242 4242", expiry: `01 / ${futureYear}`, cvc: "123" },
    });
    expect(parsed.success && parsed.data.card).toEqual({
      number: "4242424242424242",
      expiry: `01/${futureYear}`,
      cvc: "123",
    });
  });

  it("tells an empty number, an incomplete one and a wrong one apart, one problem each", () => {
    const empty = problems({ number: "", expiry: future, cvc: "123" });
    expect(empty).toHaveLength(1);
    expect(empty[0]!.issue.message).toBe("Enter the card number");

    const incomplete = problems({ number: "4242 4242 4242 424", expiry: future, cvc: "123" });
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]!.issue).toMatchObject({
      code: "custom",
      message: "This card number is incomplete",
      params: { reason: INCOMPLETE_CARD_NUMBER_REASON },
    });

    for (const number of ["4242 4242 4242 4241", "4242 4242 4242 4242 4242", "3782 822463 10005 0"]) {
      const wrong = problems({ number, expiry: future, cvc: "123" });
      expect(wrong.map((problem) => problem.issue.message)).toEqual(["This card number is not valid"]);
    }
  });

  it.each(["12", "12 / ", "13/29", "00/29", "12/293", "December"])(
    "refuses the expiry %j as not MM/YY, and only that",
    (expiry) => {
      expect(
        problems({ number: "4242424242424242", expiry, cvc: "123" }).map((problem) => problem.issue.message),
      ).toEqual(["Enter the expiry date as MM/YY"]);
    },
  );

  it("refuses an expired card, checked on the expiry alone (the form checks a field when it is left)", () => {
    expect(CardSchema.shape.expiry.safeParse("01/20").error?.issues).toMatchObject([
      { code: "custom", message: "This card has expired", path: [] },
    ]);
    const lastMonth = new Date();
    lastMonth.setUTCDate(1);
    lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
    const month = String(lastMonth.getUTCMonth() + 1).padStart(2, "0");
    const year = String(lastMonth.getUTCFullYear() % 100).padStart(2, "0");
    expect(CardSchema.shape.expiry.safeParse(`${month} / ${year}`).success).toBe(false);
    const now = new Date();
    const thisMonth = `${String(now.getUTCMonth() + 1).padStart(2, "0")}${String(now.getUTCFullYear() % 100).padStart(2, "0")}`;
    expect(CardSchema.shape.expiry.safeParse(thisMonth).success).toBe(true);
  });
});
