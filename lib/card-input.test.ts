import { describe, expect, it } from "vitest";

import {
  applyCardFieldChange,
  cardBrandOf,
  expiryDigits,
  formatCardNumber,
  formatExpiry,
  isIncompleteCardNumber,
  normaliseExpiry,
  type CardField,
} from "@/lib/card-input";

/** A field as the browser holds it: its text and its caret, changed the ways a person changes it. */
class Field {
  constructor(
    private readonly field: CardField,
    public value = "",
    public caret = value.length,
  ) {}

  private apply(value: string, caret: number, inputType: string): this {
    const next = applyCardFieldChange(this.field, { value, caret, previous: this.value, inputType });
    this.value = next.value;
    this.caret = next.caret;
    return this;
  }

  /** Types each character where the caret is, one keystroke at a time. */
  type(text: string): this {
    for (const character of text) {
      this.apply(
        this.value.slice(0, this.caret) + character + this.value.slice(this.caret),
        this.caret + 1,
        "insertText",
      );
    }
    return this;
  }

  paste(text: string): this {
    return this.apply(
      this.value.slice(0, this.caret) + text + this.value.slice(this.caret),
      this.caret + text.length,
      "insertFromPaste",
    );
  }

  backspace(times = 1): this {
    for (let index = 0; index < times; index++) {
      if (this.caret === 0) continue;
      this.apply(
        this.value.slice(0, this.caret - 1) + this.value.slice(this.caret),
        this.caret - 1,
        "deleteContentBackward",
      );
    }
    return this;
  }

  delete(): this {
    return this.apply(
      this.value.slice(0, this.caret) + this.value.slice(this.caret + 1),
      this.caret,
      "deleteContentForward",
    );
  }

  moveTo(caret: number): this {
    this.caret = caret;
    return this;
  }

  /** The text with the caret drawn as `|`. */
  get shown(): string {
    return `${this.value.slice(0, this.caret)}|${this.value.slice(this.caret)}`;
  }
}

describe("the card's brand", () => {
  it.each([
    ["4242 4242 4242 4242", "visa"],
    ["4", "visa"],
    ["5555 5555 5555 4444", "mastercard"],
    ["51", "mastercard"],
    ["2221 0000 0000 0009", "mastercard"],
    ["2720", "mastercard"],
    ["3782 822463 10005", "amex"],
    ["34", "amex"],
    ["6011 1111 1111 1117", "discover"],
    ["65", "discover"],
    ["644", "discover"],
  ])("%s is %s", (number, brand) => {
    expect(cardBrandOf(number)).toBe(brand);
  });

  it.each(["", "3", "5", "56", "2220", "2721", "222", "6", "643", "1234"])("%j tells no brand (yet)", (number) => {
    expect(cardBrandOf(number)).toBeNull();
  });
});

describe("the card number", () => {
  it("is grouped in fours, American Express 4-6-5, and takes no more digits than its brand has", () => {
    expect(formatCardNumber("4242424242424242")).toBe("4242 4242 4242 4242");
    expect(formatCardNumber("42424")).toBe("4242 4");
    expect(formatCardNumber("4242")).toBe("4242");
    expect(formatCardNumber("378282246310005")).toBe("3782 822463 10005");
    expect(formatCardNumber("3782822463100059")).toBe("3782 822463 10005");
    expect(formatCardNumber("5555555555554444123")).toBe("5555 5555 5555 4444");
    expect(formatCardNumber("4111111111111111111")).toBe("4111 1111 1111 1111 111");
    expect(formatCardNumber("4242-4242 4242.4242")).toBe("4242 4242 4242 4242");
  });

  it("says when it needs more digits for its brand", () => {
    expect(isIncompleteCardNumber("424242424242424")).toBe(true);
    expect(isIncompleteCardNumber("4242424242424242")).toBe(false);
    expect(isIncompleteCardNumber("37828224631000")).toBe(true);
    expect(isIncompleteCardNumber("378282246310005")).toBe(false);
    expect(isIncompleteCardNumber("12345678901")).toBe(true);
  });

  it("is grouped as it is typed digit by digit, the caret at the end", () => {
    const field = new Field("number");
    field.type("4242");
    expect(field.shown).toBe("4242|");
    field.type("4");
    expect(field.shown).toBe("4242 4|");
    field.type("24242424242");
    expect(field.shown).toBe("4242 4242 4242 4242|");
    field.type("9"); // a Visa of 16 may have 19
    expect(field.shown).toBe("4242 4242 4242 4242 9|");
    expect(new Field("number").type("37828224631000599").shown).toBe("3782 822463 10005|");
  });

  it("ignores what is not a digit", () => {
    expect(new Field("number").type("4242-a4").shown).toBe("4242 4|");
  });

  it("is grouped when pasted with or without spaces, at the end or in the middle", () => {
    expect(new Field("number").paste("4242 4242 4242 4242").shown).toBe("4242 4242 4242 4242|");
    expect(new Field("number").paste("4242424242424242").shown).toBe("4242 4242 4242 4242|");
    expect(new Field("number").paste(" 3782-822463-10005 ").shown).toBe("3782 822463 10005|");
    expect(new Field("number", "4242 4242").moveTo(4).paste("1111").shown).toBe("4242 1111| 4242");
  });

  it("keeps the caret after the same digit when edited in the middle", () => {
    const field = new Field("number", "4242 4242 4242 4242").moveTo(7);
    expect(field.shown).toBe("4242 42|42 4242 4242");
    field.backspace();
    expect(field.shown).toBe("4242 4|424 2424 242");
    field.type("2");
    expect(field.shown).toBe("4242 42|42 4242 4242");
    // Typed just before a group's space, the digit stays before the caret and the rest moves on.
    expect(new Field("number", "4242 4242").moveTo(4).type("1").shown).toBe("4242 1|424 2");
  });

  it("steps over a space with backspace or delete, removing the digit beyond it", () => {
    expect(new Field("number", "4242 4242").moveTo(5).backspace().shown).toBe("424|4 242");
    expect(new Field("number", "4242 4").backspace(2).shown).toBe("424|");
    expect(new Field("number", "4242 4242").moveTo(4).delete().shown).toBe("4242| 242");
  });

  it("refuses a digit typed into a full number, wherever the caret is", () => {
    expect(new Field("number", "3782 822463 10005").moveTo(2).type("9").shown).toBe("37|82 822463 10005");
    expect(new Field("number", "5555 5555 5555 4444").type("1").shown).toBe("5555 5555 5555 4444|");
  });
});

describe("the expiry", () => {
  it("is shown as MM / YY however it is typed", () => {
    expect(new Field("expiry").type("1229").shown).toBe("12 / 29|");
    expect(new Field("expiry").type("12/29").shown).toBe("12 / 29|");
    expect(new Field("expiry").type("12 / 29").shown).toBe("12 / 29|");
    expect(new Field("expiry").type("1/29").shown).toBe("01 / 29|");
    expect(new Field("expiry").type("1 29").shown).toBe("01 / 29|");
    expect(new Field("expiry").type("429").shown).toBe("04 / 29|");
  });

  it("keeps a mistyped month as typed, for the field to refuse, instead of reading it as another date", () => {
    expect(new Field("expiry").type("1329").shown).toBe("13 / 29|");
    expect(new Field("expiry").type("13/29").shown).toBe("13 / 29|");
    expect(new Field("expiry").type("1930").shown).toBe("19 / 30|");
    expect(normaliseExpiry("13 / 29")).toBe("13/29"); // and the card schema refuses month 13
    expect(new Field("expiry").type("122").shown).toBe("12 / 2|");
  });

  it("shows the separator once the month is complete, and only one", () => {
    const field = new Field("expiry");
    expect(field.type("1").shown).toBe("1|");
    expect(field.type("2").shown).toBe("12 / |");
    expect(field.type("/").shown).toBe("12 / |");
    expect(field.type(" ").shown).toBe("12 / |");
    expect(field.type("2").shown).toBe("12 / 2|");
  });

  it("takes a pasted or autofilled date, a four-digit year too", () => {
    expect(new Field("expiry").paste("12/29").shown).toBe("12 / 29|");
    expect(new Field("expiry").paste("12 / 29").shown).toBe("12 / 29|");
    expect(new Field("expiry").paste("1229").shown).toBe("12 / 29|");
    expect(new Field("expiry").paste("12/2029").shown).toBe("12 / 29|");
    expect(new Field("expiry").paste("1/29").shown).toBe("01 / 29|");
  });

  it("takes backspace over the separator as a person means it", () => {
    const field = new Field("expiry").type("1229");
    expect(field.backspace().shown).toBe("12 / 2|");
    expect(field.backspace().shown).toBe("12 / |");
    // The separator is the form's: one backspace takes it and the month's last digit.
    expect(field.backspace().shown).toBe("1|");
    expect(field.backspace().shown).toBe("|");
    // A single-digit month the form completed is not completed again while deleting.
    expect(new Field("expiry").type("1/").backspace().shown).toBe("0|");
  });

  it("takes a four-digit year typed key by key, showing its last two once it is whole", () => {
    const field = new Field("expiry").type("1220");
    expect(field.shown).toBe("12 / 20|");
    expect(field.type("2").shown).toBe("12 / 202|");
    expect(field.type("9").shown).toBe("12 / 29|");
    expect(new Field("expiry").type("12/2031").shown).toBe("12 / 31|");
    expect(new Field("expiry").type("1/2029").shown).toBe("01 / 29|");
    // Only a year of this century: 12 / 29 takes no third digit.
    expect(new Field("expiry").type("12291").shown).toBe("12 / 29|");
    // Backspace from the collapsed year steps back through its two digits as shown.
    expect(new Field("expiry").type("122029").backspace().shown).toBe("12 / 2|");
  });

  it("refuses a fifth digit", () => {
    expect(new Field("expiry").type("12295").shown).toBe("12 / 29|");
    expect(new Field("expiry", "12 / 29").moveTo(1).type("1").shown).toBe("1|2 / 29");
  });

  it("digits and display", () => {
    expect(expiryDigits("12 / 29")).toBe("1229");
    expect(expiryDigits("12 /", false)).toBe("12");
    expect(formatExpiry("1")).toBe("1");
    expect(formatExpiry("12")).toBe("12 / ");
    expect(formatExpiry("1229")).toBe("12 / 29");
  });

  it.each([
    ["1229", "12/29"],
    ["12/29", "12/29"],
    ["12 / 29", "12/29"],
    [" 12 /29 ", "12/29"],
    ["1/29", "01/29"],
    ["12-29", "12/29"],
    ["12/2029", "12/29"],
    ["122029", "12/29"],
    ["13/29", "13/29"], // kept as written, for the schema to refuse
  ])("%j is normalised to %j", (typed, normalised) => {
    expect(normaliseExpiry(typed)).toBe(normalised);
  });

  it.each(["", "12", "12 / ", "129", "12/293", "1/2/29", "December 2029", "12/29x"])(
    "%j is not a complete expiry",
    (typed) => {
      expect(normaliseExpiry(typed)).toBeNull();
    },
  );
});

describe("the CVC", () => {
  it("takes up to four digits and nothing else", () => {
    expect(new Field("cvc").type("12a34").shown).toBe("1234|");
    expect(new Field("cvc").type("12345").shown).toBe("1234|");
  });
});
