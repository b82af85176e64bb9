import { describe, expect, it } from "vitest";

import { cardBrandOf, paymentCardOf, paymentMethodLabel } from "@/lib/payment-method";

describe("the card a receipt names", () => {
  it("tells the brand from the number's first digits, however it is typed", () => {
    expect(cardBrandOf("4242 4242 4242 4242")).toBe("visa");
    expect(cardBrandOf("5555-5555-5555-4444")).toBe("mastercard");
    expect(cardBrandOf("2223003122003222")).toBe("mastercard");
    expect(cardBrandOf("3782 822463 10005")).toBe("amex");
    expect(cardBrandOf("6011111111111117")).toBe("discover");
    expect(cardBrandOf("6221260000000000")).toBe("discover");
    expect(cardBrandOf("6200000000000005")).toBe("unionpay");
    expect(cardBrandOf("3056930009020004")).toBe("diners");
    expect(cardBrandOf("3566002020360505")).toBe("jcb");
    expect(cardBrandOf("9999 9999 9999 9995")).toBeNull();
  });

  it("keeps the brand and the last four digits only, and writes them as “Visa •••• 4242”", () => {
    expect(paymentCardOf("4242 4242 4242 4242")).toEqual({ brand: "visa", last4: "4242" });
    expect(paymentCardOf("9999999999999995")).toEqual({ brand: "card", last4: "9995" });
    expect(paymentMethodLabel({ brand: "visa", last4: "4242" }, "Card")).toBe("Visa •••• 4242");
    expect(paymentMethodLabel({ brand: "amex", last4: "0005" }, "Card")).toBe("American Express •••• 0005");
    expect(paymentMethodLabel({ brand: "card", last4: "9995" }, "Karte")).toBe("Karte •••• 9995");
    expect(() => paymentCardOf("4242")).toThrow();
  });
});
