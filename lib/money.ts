/** Net amount and tax of one line, in minor units; tax rounded half up per line. */
export function priceLine(line: { quantity: number; unitPriceMinor: number; taxRateBp: number }): {
  amountMinor: number;
  taxMinor: number;
} {
  const amountMinor = line.quantity * line.unitPriceMinor;
  const taxMinor = Math.floor((amountMinor * line.taxRateBp + 5_000) / 10_000);
  return { amountMinor, taxMinor };
}

export function sumLines(lines: readonly { amountMinor: number; taxMinor: number }[]): {
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
} {
  const subtotalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
  const taxMinor = lines.reduce((sum, line) => sum + line.taxMinor, 0);
  return { subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor };
}

/**
 * The tax of an invoice's lines by rate, the rates in the order their lines come: what a receipt lists under the
 * subtotal ("VAT 20%"). The amounts add up to the invoice's tax, since each line's tax is rounded on its own.
 */
export function taxByRate(
  lines: readonly { taxRateBp: number; taxMinor: number }[],
): { rateBp: number; taxMinor: number }[] {
  const byRate = new Map<number, number>();
  for (const line of lines) byRate.set(line.taxRateBp, (byRate.get(line.taxRateBp) ?? 0) + line.taxMinor);
  return [...byRate].map(([rateBp, taxMinor]) => ({ rateBp, taxMinor }));
}
