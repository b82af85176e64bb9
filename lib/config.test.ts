import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { ConfigError, parseConfig } from "@/lib/config";

const realSecret = "k3Yq9vJt7Qm2Xw8Rz5Lp1Ns4Hd6Gf0Bc-aE_uViOyT";
const authSecret = "Pq8sT1vX4yZ7bC0eF3hJ6kM9nQ2rU5wA-dG_iLoRtY";
const webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw2OpmGDkGy5g=";
/** A production configuration with real secrets, which starts. */
const production = {
  NODE_ENV: "production",
  INVOICE_TOKEN_SECRETS: realSecret,
  NEXTAUTH_SECRET: authSecret,
  PAYMENT_WEBHOOK_SECRET: webhookSecret,
} as const;
const cwd = process.cwd();

afterEach(() => {
  process.chdir(cwd);
});

describe("configuration", () => {
  it("refuses to start in production without a signing secret", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => parseConfig({ NODE_ENV: "production", INVOICE_TOKEN_SECRETS: " , " })).toThrow(
      /INVOICE_TOKEN_SECRETS is required/,
    );
  });

  it("refuses to start in production without the sign-in secret", () => {
    expect(() => parseConfig({ NODE_ENV: "production", INVOICE_TOKEN_SECRETS: realSecret })).toThrow(
      /NEXTAUTH_SECRET is required/,
    );
    expect(() =>
      parseConfig({ NODE_ENV: "production", INVOICE_TOKEN_SECRETS: realSecret, NEXTAUTH_SECRET: "short" }),
    ).toThrow(/NEXTAUTH_SECRET/);
  });

  it("refuses to start in production without a webhook secret of the Standard Webhooks form, or with a test fault", () => {
    const secrets = { NODE_ENV: "production" as const, INVOICE_TOKEN_SECRETS: realSecret, NEXTAUTH_SECRET: authSecret };
    expect(() => parseConfig(secrets)).toThrow(/PAYMENT_WEBHOOK_SECRET is required/);
    expect(() => parseConfig({ ...secrets, PAYMENT_WEBHOOK_SECRET: "whsec_short" })).toThrow(/PAYMENT_WEBHOOK_SECRET/);
    expect(() =>
      parseConfig({ ...secrets, PAYMENT_WEBHOOK_SECRET: webhookSecret, FAULT_INJECTION: "exit-after-charge" }),
    ).toThrow(/FAULT_INJECTION/);
    expect(parseConfig({ ...secrets, PAYMENT_WEBHOOK_SECRET: webhookSecret }).payments.webhookSecret).toBe(
      webhookSecret,
    );
  });

  it("refuses a short or placeholder secret in production", () => {
    expect(() => parseConfig({ NODE_ENV: "production", INVOICE_TOKEN_SECRETS: "too-short" })).toThrow(
      /shorter than 32/,
    );
    expect(() =>
      parseConfig({ NODE_ENV: "production", INVOICE_TOKEN_SECRETS: "change-me-change-me-change-me-change-me" }),
    ).toThrow(/placeholder/);
    expect(() => parseConfig({ NODE_ENV: "production", INVOICE_TOKEN_SECRETS: `${realSecret},short` })).toThrow(
      /secret #2/,
    );
  });

  it("refuses a production secret a guess could find: a repeated character or string, or too few different characters", () => {
    for (const weak of [
      "a".repeat(32),
      "ab".repeat(20),
      "password1234".repeat(3),
      "0123".repeat(10),
      "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb",
    ]) {
      expect(() => parseConfig({ ...production, INVOICE_TOKEN_SECRETS: weak }), weak).toThrow(
        /INVOICE_TOKEN_SECRETS: secret #1: too predictable/,
      );
      expect(() => parseConfig({ ...production, NEXTAUTH_SECRET: weak }), weak).toThrow(
        /NEXTAUTH_SECRET: too predictable/,
      );
    }
    expect(() => parseConfig({ ...production, PAYMENT_WEBHOOK_SECRET: `whsec_${"A".repeat(44)}` })).toThrow(
      /PAYMENT_WEBHOOK_SECRET: too predictable/,
    );
    // What `openssl rand` makes passes: 16 bytes in hex, 32 in base64.
    for (const strong of ["3f9c1a7e5b2d8c4f0a6e1b9d7c3f5a28", "q2v0JmS8yN5cT1xW7rB4eK9gH3dL6aP0uZsYfE2iQoM="]) {
      expect(parseConfig({ ...production, INVOICE_TOKEN_SECRETS: strong }).invoiceToken.keys).toHaveLength(1);
    }
    // Outside production a local secret may be anything long enough.
    expect(
      parseConfig({
        NODE_ENV: "development",
        APP_ENV: "development",
        INVOICE_TOKEN_SECRETS: "a".repeat(32),
        NEXTAUTH_SECRET: authSecret,
        PAYMENT_WEBHOOK_SECRET: webhookSecret,
      }).mode,
    ).toBe("development");
  });

  it("refuses a file: database URL without a file's path", () => {
    for (const url of ["file:", "file:./.data/", "file:  "]) {
      expect(() => parseConfig({ NODE_ENV: "test", DATABASE_URL: url }), url).toThrow(
        /DATABASE_URL.*needs the path of the database file/,
      );
    }
  });

  it("allows demo checkouts outside production, and in production only when asked for", () => {
    expect(parseConfig(production).demoCheckoutsEnabled).toBe(false);
    expect(parseConfig({ ...production, DEMO_CHECKOUTS_ENABLED: "true" }).demoCheckoutsEnabled).toBe(true);
    expect(
      parseConfig({
        NODE_ENV: "development",
        APP_ENV: "development",
        INVOICE_TOKEN_SECRETS: realSecret,
        NEXTAUTH_SECRET: authSecret,
        PAYMENT_WEBHOOK_SECRET: webhookSecret,
      }).demoCheckoutsEnabled,
    ).toBe(true);
    expect(
      parseConfig({
        NODE_ENV: "development",
        APP_ENV: "development",
        INVOICE_TOKEN_SECRETS: realSecret,
        NEXTAUTH_SECRET: authSecret,
        PAYMENT_WEBHOOK_SECRET: webhookSecret,
        DEMO_CHECKOUTS_ENABLED: "false",
      }).demoCheckoutsEnabled,
    ).toBe(false);
    expect(() => parseConfig({ ...production, DEMO_CHECKOUTS_ENABLED: "yes" })).toThrow(/DEMO_CHECKOUTS_ENABLED/);
  });

  it("starts in production with real secrets, the first one signing", () => {
    const older = realSecret.split("").reverse().join("");
    const config = parseConfig({
      NODE_ENV: "production",
      INVOICE_TOKEN_SECRETS: `${realSecret}, ${older}`,
      NEXTAUTH_SECRET: authSecret,
      PAYMENT_WEBHOOK_SECRET: webhookSecret,
    });
    expect(config.mode).toBe("production");
    expect(config.invoiceToken.keys).toHaveLength(2);
    expect(new TextDecoder().decode(config.invoiceToken.keys[0].secret)).toBe(realSecret);
    expect(config.invoiceToken.keys[0].kid).not.toBe(config.invoiceToken.keys[1]?.kid);
    expect(config.invoiceToken.keys[0].kid).not.toContain(realSecret.slice(0, 6));
  });

  it("lets an explicit development flag run a production build with a generated secret, kept under .data/", () => {
    process.chdir(mkdtempSync(path.join(tmpdir(), "config-test-")));
    const first = parseConfig({ NODE_ENV: "production", APP_ENV: "development" });
    const second = parseConfig({ NODE_ENV: "production", APP_ENV: "development" });

    expect(first.mode).toBe("development");
    for (const name of ["invoice-token-secret", "auth-secret"]) {
      const file = path.join(".data", name);
      expect(readFileSync(file, "utf8").trim().length).toBeGreaterThanOrEqual(32);
      expect(statSync(file).mode & 0o077).toBe(0);
    }
    expect(second.invoiceToken.keys[0].kid).toBe(first.invoiceToken.keys[0].kid);
    expect(second.auth.secret).toBe(first.auth.secret);
    expect(first.auth.secret).not.toBe(new TextDecoder().decode(first.invoiceToken.keys[0].secret));
  });

  it("defaults to the embedded SQLite database and tells the providers apart by URL", () => {
    const config = parseConfig({
      NODE_ENV: "test",
      INVOICE_TOKEN_SECRETS: realSecret,
      NEXTAUTH_SECRET: authSecret,
      PAYMENT_WEBHOOK_SECRET: webhookSecret,
    });
    expect(config.database).toEqual({
      url: "file:./.data/app.db",
      provider: "sqlite",
      poolSize: 10,
      counterPoolSize: 4,
    });
    expect(config.appUrl).toBe("http://localhost:3000");
    const pg = parseConfig({
      NODE_ENV: "test",
      INVOICE_TOKEN_SECRETS: realSecret,
      NEXTAUTH_SECRET: authSecret,
      PAYMENT_WEBHOOK_SECRET: webhookSecret,
      DATABASE_URL: "postgresql://u:p@db:5432/app",
      DATABASE_POOL_SIZE: "25",
      DATABASE_COUNTER_POOL_SIZE: "2",
    });
    expect(pg.database).toEqual({
      url: "postgresql://u:p@db:5432/app",
      provider: "postgresql",
      poolSize: 25,
      counterPoolSize: 2,
    });
  });

  it("names every invalid variable", () => {
    expect(() =>
      parseConfig({
        NODE_ENV: "test",
        INVOICE_TOKEN_SECRETS: realSecret,
        NEXTAUTH_SECRET: authSecret,
        PAYMENT_WEBHOOK_SECRET: webhookSecret,
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
      }),
    ).toThrow(/PORT.*DATABASE_URL|DATABASE_URL.*PORT/);
  });
});
