import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { simpleParser } from "mailparser";

export interface OutboxMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

/** The .eml files the file transport wrote, parsed as a mail client would. */
export async function readOutbox(directory: string): Promise<OutboxMail[]> {
  let files: string[];
  try {
    files = readdirSync(directory)
      .filter((name) => name.endsWith(".eml"))
      .sort();
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(readFileSync(path.join(directory, file)));
      const to = Array.isArray(mail.to) ? mail.to.map((address) => address.text).join(", ") : (mail.to?.text ?? "");
      const attachments = mail.attachments.map((attachment) => ({
        filename: attachment.filename ?? "",
        contentType: attachment.contentType,
        content: attachment.content,
      }));
      return {
        file,
        to,
        subject: mail.subject ?? "",
        text: mail.text ?? "",
        html: typeof mail.html === "string" ? mail.html : "",
        attachments,
      };
    }),
  );
}

/** Waits for a mail to arrive in the outbox folder (the worker delivers in the background). */
export async function waitForMail(
  directory: string,
  matches: (mail: OutboxMail) => boolean,
  timeoutMs = 15_000,
): Promise<OutboxMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readOutbox(directory)).find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching mail in ${directory} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
