/** An outbox message's delivery status in words, for the staff's mail outbox. */
export const MAIL_STATUS: Record<string, string> = {
  pending: "Waiting to be sent",
  sending: "Being sent",
  sent: "Sent",
  failed: "Failed",
};

export function mailStatusWords(status: string): string {
  return MAIL_STATUS[status] ?? status;
}
