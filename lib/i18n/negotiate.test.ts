import { describe, expect, it } from "vitest";

import { displayLocale } from "@/lib/i18n/locales";
import { guestLocaleOf } from "@/lib/i18n/negotiate";

const asked = (headers: Record<string, string>) => guestLocaleOf(new Headers(headers));

describe("the guest's language", () => {
  it("is the browser's best choice among ours, in its order of preference", () => {
    expect(asked({ "accept-language": "de-DE,de;q=0.9,en;q=0.8" })).toBe("de");
    expect(asked({ "accept-language": "fr-CA" })).toBe("fr");
    expect(asked({ "accept-language": "es-419,es;q=0.9" })).toBe("es");
    expect(asked({ "accept-language": "pt-BR,es;q=0.5" })).toBe("es");
    expect(asked({ "accept-language": "de-CH,fr;q=0.9,de;q=0.8" })).toBe("de");
    expect(asked({ "accept-language": "en-US,en;q=0.9,de;q=0.95" })).toBe("en");
  });

  it("is decided by the first 256 characters and ten most wanted languages: a header of thousands costs no more than a short one", () => {
    const many = Array.from({ length: 2000 }, (_, index) => `zz-${index}`);
    expect(asked({ "accept-language": [...many.slice(0, 9), "fr"].join(",") })).toBe("fr");
    expect(asked({ "accept-language": [...many.slice(0, 10), "fr"].join(",") })).toBe("en");
    expect(
      asked({ "accept-language": [...many.slice(0, 20).map((tag) => `${tag};q=0.5`), "de;q=0.9"].join(",") }),
    ).toBe("de");
    expect(asked({ "accept-language": [...many.map((tag) => `${tag};q=0.5`), "de;q=0.9"].join(",") })).toBe("en");
  });

  it("is English when the browser asks for none of ours, or sends nothing readable", () => {
    for (const header of ["", "zh-CN", "*", "de;q=0", "garbage;;q=x", "x-klingon, !!", "--,;;,==", "ü".repeat(5000)])
      expect(asked({ "accept-language": header }), header).toBe("en");
    expect(asked({})).toBe("en");
  });

  it("is the one chosen in the switcher, whatever the browser asks for; an unknown choice is ignored", () => {
    expect(asked({ cookie: "theme=dark; locale=fr", "accept-language": "de" })).toBe("fr");
    expect(asked({ cookie: "locale=xx", "accept-language": "de" })).toBe("de");
    expect(asked({ cookie: "locale=", "accept-language": "es" })).toBe("es");
    expect(asked({ cookie: 'locale="de"', "accept-language": "es" })).toBe("de");
  });
});

describe("the locale numbers and dates are written in", () => {
  it("is the business's own when the guest reads its language, otherwise the guest's language in the business's region", () => {
    expect(displayLocale("en", "en-GB")).toBe("en-GB");
    expect(displayLocale("de", "de-AT")).toBe("de-AT");
    expect(displayLocale("de", "en-GB")).toBe("de-GB");
    expect(displayLocale("en", "nl-NL")).toBe("en-NL");
    expect(displayLocale("fr", "de-CH")).toBe("fr-CH");
    // A business locale without a region, or not a locale at all: the language's usual conventions.
    expect(displayLocale("es", "en")).toBe("es");
    expect(displayLocale("de", "not a locale")).toBe("de");
  });
});
