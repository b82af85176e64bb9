import "server-only";

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

import nodemailer from "nodemailer";

import { getConfig } from "@/lib/config";

export interface OutgoingMail {
  /** Unique per outbox row; a re-delivery of the same row reuses it. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

export interface MailTransport {
  readonly name: string;
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * Parts are always quoted-printable (readable as source, safe for any text): left to choose, nodemailer scans
 * every part to pick an encoding, a third of its time per message.
 */
const TEXT_ENCODING = "quoted-printable";

/** SMTP through nodemailer. */
function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  const { from } = getConfig().mail;
  return {
    name: "smtp",
    async send(mail) {
      await transporter.sendMail({ from, ...message(mail) });
    },
  };
}

/** The nodemailer message of an outgoing mail. */
function message(mail: OutgoingMail) {
  return {
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    textEncoding: TEXT_ENCODING,
    attachments: mail.attachments,
  } as const;
}

/**
 * The embedded default: nodemailer builds the real message, which is written as an .eml file to the
 * outbox folder. A re-delivery of the same row writes the same file, and a crash never leaves half a file.
 */
function fileTransport(directory: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const { from } = getConfig().mail;
  mkdirSync(directory, { recursive: true });
  return {
    name: "file",
    async send(mail) {
      const info = await transporter.sendMail({ from, ...message(mail) });
      const name = mail.messageId.replace(/[<>]/g, "").replace(/[^\w.@-]/g, "_");
      const file = path.join(directory, `${name}.eml`);
      writeFileSync(`${file}.tmp`, info.message as Buffer);
      renameSync(`${file}.tmp`, file);
    },
  };
}

export function createMailTransport(): MailTransport {
  const { mail } = getConfig();
  return mail.smtpUrl ? smtpTransport(mail.smtpUrl) : fileTransport(mail.outboxDir);
}
