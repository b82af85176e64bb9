import "server-only";

import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The environment, validated once. Read it through getConfig(): nothing is evaluated at import time,
 * so `next build` never needs production secrets.
 */

const DEFAULT_DATABASE_URL = "file:./.data/app.db";
const DATA_DIR = ".data";
const DEV_SECRET_FILES = {
  invoiceToken: "invoice-token-secret",
  auth: "auth-secret",
  paymentWebhook: "payment-webhook-secret",
} as const;
/** 256 bits, written as at least 32 characters. */
const MIN_SECRET_LENGTH = 32;
/** Values that appear in documentation and must never sign anything real. */
const PLACEHOLDER_SECRET = /change[-_ ]?me|replace[-_ ]?me|example|placeholder|secret{2,}/i;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  // The explicit development flag: lets a production build (`next start`) run with a local secret.
  APP_ENV: z.preprocess(emptyAsUndefined, z.enum(["development", "test", "production"]).optional()),
  PORT: positiveInt(3000),
  APP_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), "must be a file: URL (SQLite) or a postgresql:// URL")
      .refine(
        (url) => !url.startsWith("file:") || /^file:.*[^/\\]$/.test(url.trim()),
        "a file: URL needs the path of the database file, e.g. file:./.data/app.db",
      ),
  ),
  // PostgreSQL only: connections per instance (SQLite uses one).
  DATABASE_POOL_SIZE: positiveInt(10),
  // PostgreSQL only: connections per instance for the rate-limit counters, beside the pool above.
  DATABASE_COUNTER_POOL_SIZE: positiveInt(4),
  INVOICE_TOKEN_SECRETS: z.preprocess(emptyAsUndefined, z.string().optional()),
  INVOICE_TOKEN_ISSUER: z.string().min(1).default("coworking-billing"),
  INVOICE_TOKEN_TTL_SECONDS: positiveInt(3600),
  BASKET_TTL_HOURS: positiveInt(24),
  PAYMENT_PENDING_RETRY_AFTER_SECONDS: positiveInt(3),
  // Attempts are weighed in points: every attempt costs 1, a refused one RATE_LIMIT_FAILURE_COST more.
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  RATE_LIMIT_IP_POINTS: positiveInt(600),
  RATE_LIMIT_TOKEN_POINTS: positiveInt(60),
  RATE_LIMIT_FAILURE_COST: z.coerce.number().int().min(0).default(4),
  // Checkout attempts per client address per 10 minutes (a declined card costs 5): the brake on card testing.
  RATE_LIMIT_CHECKOUT_POINTS: positiveInt(30),
  // next-auth's secret (session JWTs, sign-in link hashes); required in production, generated in development.
  NEXTAUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  SIGN_IN_LINK_TTL_MINUTES: positiveInt(30),
  // Mail: SMTP when SMTP_URL is set (smtp://user:pass@host:587), otherwise .eml files in MAIL_OUTBOX_DIR.
  SMTP_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  MAIL_FROM: z.string().min(3).default("Hive & Desk Coworking <billing@localhost>"),
  MAIL_OUTBOX_DIR: z.string().min(1).default(path.join(DATA_DIR, "mail-outbox")),
  MAIL_WORKER_INTERVAL_MS: positiveInt(5000),
  // "false" on instances that should not deliver mail (another instance or a dedicated process does).
  MAIL_WORKER_ENABLED: z.enum(["true", "false"]).default("true"),
  MAIL_MAX_ATTEMPTS: positiveInt(8),
  // Staff may create paid demo checkouts (the staff preview's button, POST /api/staff/demo-checkouts). Default:
  // on outside production, off in production, where a paid checkout nobody paid for must be asked for.
  DEMO_CHECKOUTS_ENABLED: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).optional()),
  // Fulfilment (docs/contract.md §3.7): a paid checkout that no completion page registered within this many seconds of
  // its payment is registered by the server (0: at once).
  FULFILMENT_GRACE_SECONDS: z.coerce.number().int().min(0).default(300),
  // A payment not settled this many seconds after it was created is settled with the provider by the reconciler.
  PAYMENT_RECONCILE_AFTER_SECONDS: positiveInt(300),
  // How often each instance looks for checkouts to register, payments to reconcile and (the test provider) webhook
  // events to send.
  BACKGROUND_INTERVAL_MS: positiveInt(2000),
  // "false" on instances that should not run that background work (another instance does).
  BACKGROUND_WORK_ENABLED: z.enum(["true", "false"]).default("true"),
  // The payment provider's webhook signing secret (Standard Webhooks: "whsec_" + base64); required in production,
  // generated in development.
  PAYMENT_WEBHOOK_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  // Tests only, refused in production: "exit-after-charge" kills the process right after the provider charged a
  // card and before the payment is recorded, once.
  FAULT_INJECTION: z.preprocess(emptyAsUndefined, z.enum(["exit-after-charge"]).optional()),
  // Trusted reverse proxies in front of the app, each appending to X-Forwarded-For (0: none, the client is the TCP
  // peer). Read by the server entry (scripts/serve.mjs), which hands the app the one address it trusts.
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(99).default(0),
});

export type DatabaseProvider = "sqlite" | "postgresql";

export interface SigningKey {
  /** Names the key in the JWT header without revealing it. */
  kid: string;
  secret: Uint8Array<ArrayBuffer>;
}

interface AppConfig {
  mode: "development" | "test" | "production";
  port: number;
  appUrl: string;
  database: { url: string; provider: DatabaseProvider; poolSize: number; counterPoolSize: number };
  invoiceToken: { issuer: string; ttlSeconds: number; keys: [SigningKey, ...SigningKey[]] };
  basketTtlHours: number;
  paymentPendingRetryAfterSeconds: number;
  rateLimit: {
    windowSeconds: number;
    ipPoints: number;
    tokenPoints: number;
    failureCost: number;
    checkoutPoints: number;
  };
  demoCheckoutsEnabled: boolean;
  auth: { secret: string; signInLinkTtlMinutes: number };
  mail: {
    smtpUrl: string | undefined;
    from: string;
    outboxDir: string;
    workerEnabled: boolean;
    workerIntervalMs: number;
    maxAttempts: number;
  };
  fulfilment: { graceSeconds: number; reconcileAfterSeconds: number; intervalMs: number; enabled: boolean };
  payments: { webhookSecret: string; faultInjection: "exit-after-charge" | undefined };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function resolveMode(env: z.infer<typeof EnvSchema>): AppConfig["mode"] {
  if (env.APP_ENV) return env.APP_ENV;
  return env.NODE_ENV;
}

function toSigningKey(secret: string): SigningKey {
  const kid = createHash("sha256").update(secret).digest("base64url").slice(0, 12);
  return { kid, secret: new TextEncoder().encode(secret) };
}

function readOrCreateDevSecret(
  name: keyof typeof DEV_SECRET_FILES,
  generate = () => randomBytes(32).toString("base64url"),
): string {
  // A file of the running app's data folder, not of the build: the bundler must not trace (copy) that folder.
  const file = path.join(/* turbopackIgnore: true */ DATA_DIR, DEV_SECRET_FILES[name]);
  mkdirSync(/* turbopackIgnore: true */ DATA_DIR, { recursive: true });
  try {
    return readFileSync(/* turbopackIgnore: true */ file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = generate();
  try {
    // "wx": when two processes start at once, the first write wins and both use it.
    writeFileSync(/* turbopackIgnore: true */ file, secret + "\n", { flag: "wx", mode: 0o600 });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readFileSync(/* turbopackIgnore: true */ file, "utf8").trim();
  }
}

/** Below this estimate a secret was typed or patterned, not drawn: 32 random hex digits make about 118 bits. */
const MIN_SECRET_BITS = 96;

/**
 * A rough count of a secret's bits: its length times the entropy of its own characters' frequencies. It cannot tell
 * a random string from a clever one, but it does tell `aaaa…`, `abab…` and a short word repeated, which a length
 * check lets through.
 */
function estimatedBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const character of secret) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) bitsPerCharacter -= (count / secret.length) * Math.log2(count / secret.length);
  return bitsPerCharacter * secret.length;
}

/** Whether the secret is a shorter string written over and over ("password1234password1234…"). */
function isRepetition(secret: string): boolean {
  for (let period = 1; period <= secret.length / 2; period++) {
    if ([...secret].every((character, index) => index < period || character === secret[index - period])) return true;
  }
  return false;
}

/** A production secret that a guess could find: a repeated character or string, or too few different characters. */
function checkUnpredictable(variable: string, secret: string): void {
  if (isRepetition(secret) || estimatedBits(secret) < MIN_SECRET_BITS) {
    throw new ConfigError(
      `${variable}: too predictable (a repeated character or string, or too few different characters); use e.g. \`openssl rand -base64 32\``,
    );
  }
}

function checkSecret(variable: string, secret: string, mode: AppConfig["mode"]): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`${variable}: ${secret === "" ? "empty" : `shorter than ${MIN_SECRET_LENGTH} characters`}`);
  }
  if (mode === "production" && PLACEHOLDER_SECRET.test(secret)) {
    throw new ConfigError(`${variable}: a placeholder, not a real secret`);
  }
  if (mode === "production") checkUnpredictable(variable, secret);
}

function resolveAuthSecret(raw: string | undefined, mode: AppConfig["mode"]): string {
  if (raw === undefined) {
    if (mode === "production") {
      throw new ConfigError("NEXTAUTH_SECRET is required in production: a random secret of at least 32 characters.");
    }
    return readOrCreateDevSecret("auth");
  }
  checkSecret("NEXTAUTH_SECRET", raw, mode);
  return raw;
}

function resolveSigningKeys(raw: string | undefined, mode: AppConfig["mode"]): [SigningKey, ...SigningKey[]] {
  const secrets = (raw ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0) {
    if (mode === "production") {
      throw new ConfigError(
        "INVOICE_TOKEN_SECRETS is required in production: one or more comma-separated secrets of at least " +
          `${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`). ` +
          "For a local run set APP_ENV=development and a secret is generated under .data/.",
      );
    }
    secrets.push(readOrCreateDevSecret("invoiceToken"));
  }
  for (const [index, secret] of secrets.entries())
    checkSecret(`INVOICE_TOKEN_SECRETS: secret #${index + 1}`, secret, mode);
  const [first, ...rest] = secrets.map(toSigningKey);
  return [first!, ...rest];
}

/** A Standard Webhooks secret: "whsec_" and the base64 of at least 24 random bytes. */
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

function resolveWebhookSecret(raw: string | undefined, mode: AppConfig["mode"]): string {
  if (raw === undefined) {
    if (mode === "production") {
      throw new ConfigError(
        'PAYMENT_WEBHOOK_SECRET is required in production: "whsec_" and the base64 of 32 random bytes (e.g. `echo whsec_$(openssl rand -base64 32)`).',
      );
    }
    return readOrCreateDevSecret("paymentWebhook", () => `whsec_${randomBytes(32).toString("base64")}`);
  }
  if (!WEBHOOK_SECRET.test(raw))
    throw new ConfigError('PAYMENT_WEBHOOK_SECRET: "whsec_" and the base64 of at least 24 random bytes');
  if (mode === "production")
    checkUnpredictable("PAYMENT_WEBHOOK_SECRET", raw.slice("whsec_".length).replace(/=+$/, ""));
  return raw;
}

function databaseProviderOf(url: string): DatabaseProvider {
  return url.startsWith("file:") ? "sqlite" : "postgresql";
}

export function parseConfig(source: NodeJS.ProcessEnv): AppConfig {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  const mode = resolveMode(env);
  return {
    mode,
    port: env.PORT,
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    database: {
      url: env.DATABASE_URL,
      provider: databaseProviderOf(env.DATABASE_URL),
      poolSize: env.DATABASE_POOL_SIZE,
      counterPoolSize: env.DATABASE_COUNTER_POOL_SIZE,
    },
    invoiceToken: {
      issuer: env.INVOICE_TOKEN_ISSUER,
      ttlSeconds: env.INVOICE_TOKEN_TTL_SECONDS,
      keys: resolveSigningKeys(env.INVOICE_TOKEN_SECRETS, mode),
    },
    basketTtlHours: env.BASKET_TTL_HOURS,
    paymentPendingRetryAfterSeconds: env.PAYMENT_PENDING_RETRY_AFTER_SECONDS,
    rateLimit: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      ipPoints: env.RATE_LIMIT_IP_POINTS,
      tokenPoints: env.RATE_LIMIT_TOKEN_POINTS,
      failureCost: env.RATE_LIMIT_FAILURE_COST,
      checkoutPoints: env.RATE_LIMIT_CHECKOUT_POINTS,
    },
    demoCheckoutsEnabled:
      env.DEMO_CHECKOUTS_ENABLED === undefined ? mode !== "production" : env.DEMO_CHECKOUTS_ENABLED === "true",
    auth: { secret: resolveAuthSecret(env.NEXTAUTH_SECRET, mode), signInLinkTtlMinutes: env.SIGN_IN_LINK_TTL_MINUTES },
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      outboxDir: env.MAIL_OUTBOX_DIR,
      workerEnabled: env.MAIL_WORKER_ENABLED === "true",
      workerIntervalMs: env.MAIL_WORKER_INTERVAL_MS,
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
    },
    fulfilment: {
      graceSeconds: env.FULFILMENT_GRACE_SECONDS,
      reconcileAfterSeconds: env.PAYMENT_RECONCILE_AFTER_SECONDS,
      intervalMs: env.BACKGROUND_INTERVAL_MS,
      enabled: env.BACKGROUND_WORK_ENABLED === "true",
    },
    payments: {
      webhookSecret: resolveWebhookSecret(env.PAYMENT_WEBHOOK_SECRET, mode),
      faultInjection: faultInjectionOf(env.FAULT_INJECTION, mode),
    },
  };
}

function faultInjectionOf(
  fault: "exit-after-charge" | undefined,
  mode: AppConfig["mode"],
): "exit-after-charge" | undefined {
  if (fault !== undefined && mode === "production")
    throw new ConfigError("FAULT_INJECTION is for tests and is refused in production.");
  return fault;
}

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
