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
