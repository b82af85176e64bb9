import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";

import { LOCALES } from "@/lib/i18n/locales";
import { messagesFor, type Messages } from "@/lib/i18n/messages";

/** Every message of a catalogue by its dotted key. */
function flatten(messages: object, prefix = ""): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === "string") flat.set(`${prefix}${key}`, value);
    else for (const [inner, text] of flatten(value as object, `${prefix}${key}.`)) flat.set(inner, text);
  }
  return flat;
}

/** The arguments and tags a message uses ("{number}", "<strong>"): a translation must use the same. */
function placeholdersOf(elements: MessageFormatElement[], found = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.argument || element.type === TYPE.number || element.type === TYPE.date)
      found.add(`{${element.value}}`);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      found.add(`{${element.value}}`);
      for (const option of Object.values(element.options)) placeholdersOf(option.value, found);
    }
    if (element.type === TYPE.tag) {
      found.add(`<${element.value}>`);
      placeholdersOf(element.children, found);
    }
  }
  return found;
}

const english = flatten(await messagesFor("en"));

describe.each(LOCALES)("the %s catalogue", (locale) => {
  it("has every message of the English one and no other, none of them empty", async () => {
    const catalogue = flatten(await messagesFor(locale));
    expect([...catalogue.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of catalogue) expect(text.trim(), key).not.toBe("");
  });

  it("writes each message as valid ICU, with the same arguments and tags as the English", async () => {
    const catalogue = flatten(await messagesFor(locale));
    for (const [key, text] of catalogue) {
      const placeholders = [...placeholdersOf(parse(text))].sort();
      expect(placeholders, `${locale} ${key}`).toEqual([...placeholdersOf(parse(english.get(key)!))].sort());
    }
  });

  it("is about as short as the English: no message more than twice as long (and 12 characters), the whole within 15 %", async () => {
    const catalogue = flatten(await messagesFor(locale));
    let total = 0;
    let englishTotal = 0;
    for (const [key, text] of catalogue) {
      const original = english.get(key)!;
      expect(text.length, `${locale} ${key}: "${text}" against "${original}"`).toBeLessThanOrEqual(
        2 * original.length + 12,
      );
      total += text.length;
      englishTotal += original.length;
    }
    expect(total / englishTotal).toBeLessThanOrEqual(1.15);
  });
});

it("the catalogues are translations, not copies: most messages differ from the English", async () => {
  for (const locale of LOCALES.filter((other) => other !== "en")) {
    const catalogue: Map<string, string> = flatten((await messagesFor(locale)) satisfies Messages);
    const same = [...catalogue].filter(([key, text]) => text === english.get(key)).map(([key]) => key);
    // A few words are the same in both ("Total", "Date"); most are not.
    expect(same.length, `${locale}: ${same.join(", ")}`).toBeLessThan(english.size / 10);
  }
});
