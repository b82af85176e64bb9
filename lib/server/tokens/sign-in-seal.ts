import "server-only";

import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

import { getConfig } from "@/lib/config";

/**
 * A queued sign-in e-mail's secrets — its link's token and its code — sealed with AES-256-GCM under a key derived
 * from the auth secret: the outbox row holds them only this way until the mail worker writes the e-mail.
 */
export interface SignInSecrets {
  token: string;
  code: string;
}

function sealingKey(): Buffer {
  return createHash("sha256").update(`sign-in-mail|${getConfig().auth.secret}`).digest();
}

/** base64url of IV (12 bytes) ‖ tag (16 bytes) ‖ ciphertext of `{ token, code }`. */
export function sealSignIn(secrets: SignInSecrets): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The secrets of a sealed sign-in e-mail (the mail worker's side of `sealSignIn`); throws if it was tampered with. */
export function unsealSignIn(sealed: string): SignInSecrets {
  const bytes = Buffer.from(sealed, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", sealingKey(), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  return JSON.parse(plain) as SignInSecrets;
}
