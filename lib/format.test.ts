import { describe, expect, it } from "vitest";

import { formatDate, formatMoney, formatTaxRate, maskEmail } from "@/lib/format";

describe("formatting", () => {
  it("formats minor units in the currency's own precision and the locale's style", () => {
    expect(formatMoney(2500, "GBP", "en-GB")).toBe("£25.00");
    expect(formatMoney(123456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
    expect(formatMoney(1500, "JPY", "ja-JP")).toBe("￥1,500");
    expect(formatMoney(1234, "BHD", "en-GB")).toBe("BHD\u00a01.234");
    expect(formatMoney(-500, "USD", "en-US")).toBe("-$5.00");
  });

  it("formats tax rates from basis points", () => {
    expect(formatTaxRate(2000, "en-GB")).toBe("20%");
    expect(formatTaxRate(550, "fr-FR")).toBe("5,5\u00a0%");
    expect(formatTaxRate(0, "en-GB")).toBe("0%");
  });

  it("formats dates in the business's time zone, not the server's", () => {
    // 23:30 UTC on 31 March is already 1 April in London (BST).
    expect(formatDate(new Date("2026-03-31T23:30:00Z"), "Europe/London", "en-GB")).toBe("1 April 2026");
    expect(formatDate("2026-03-31T23:30:00Z", "America/New_York", "en-US")).toBe("March 31, 2026");
  });

  it("masks an e-mail address to its first letter and domain", () => {
    expect(maskEmail("jane.doe@example.com")).toBe("j***@example.com");
    expect(maskEmail("j@example.com")).toBe("j***@example.com");
    expect(maskEmail("not-an-email")).toBe("***");
  });
});
