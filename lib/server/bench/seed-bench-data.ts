import "server-only";

import { randomUUID } from "node:crypto";

import { priceLine } from "@/lib/money";
import type { Db } from "@/lib/server/db";
import { sha256Hex } from "@/lib/server/hash";

const CHUNK = 500;

export interface BenchCheckout {
  invoiceId: number;
  token: string;
}

/**
 * Paid guest checkouts written in bulk for the benchmark (not through HTTP): invoice, line, payment and basket
 * session, as the checkout would leave them. With `registered`, each invoice is also linked to a customer
 * of its own, ready for the token-gated reads.
 */
export async function seedBenchCheckouts(db: Db, input: { businessId: number; count: number; registered?: boolean; label: string }): Promise<BenchCheckout[]> {
  const product = await db.product.findFirstOrThrow({ where: { businessId: input.businessId }, orderBy: { id: "asc" } });
  const line = { description: product.name, quantity: 1, unitPriceMinor: product.unitPriceMinor, taxRateBp: product.taxRateBp };
  const { amountMinor, taxMinor } = priceLine(line);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 24 * 3_600_000);
  const result: BenchCheckout[] = [];

  for (let start = 0; start < input.count; start += CHUNK) {
    const size = Math.min(CHUNK, input.count - start);
    const indexes = Array.from({ length: size }, (_, offset) => start + offset);
    await db.$transaction(async (tx) => {
      const customers = input.registered
        ? await tx.customer.createManyAndReturn({
            data: indexes.map((index) => ({
              businessId: input.businessId,
              fullName: `Bench Customer ${index}`,
              email: `bench-${input.label}-${index}@example.com`,
              portalAccessGrantedAt: now,
            })),
            select: { id: true },
          })
        : [];
      const invoices = await tx.invoice.createManyAndReturn({
        data: indexes.map((index, position) => ({
          number: `BENCH-${input.label}-${String(index).padStart(7, "0")}`,
          businessId: input.businessId,
          customerId: customers[position]?.id ?? null,
          billedToName: `Bench Guest ${index}`,
          billedToEmail: `bench-${input.label}-${index}@example.com`,
          billedToAddress: "1 Bench Street\nE1 6AN London\nUnited Kingdom",
          subtotalMinor: amountMinor,
          taxMinor,
          totalMinor: amountMinor + taxMinor,
          currency: "GBP",
          issuedAt: now,
          paidAt: now,
          paymentReference: `pay_bench_${input.label}_${index}`,
        })),
        select: { id: true },
      });
      await tx.invoiceLine.createMany({ data: invoices.map(({ id }) => ({ invoiceId: id, position: 1, ...line, amountMinor, taxMinor })) });
      await tx.payment.createMany({
        data: invoices.map(({ id }, position) => ({
          invoiceId: id,
          provider: "test",
          reference: `pay_bench_${input.label}_${indexes[position]}`,
          amountMinor: amountMinor + taxMinor,
          currency: "GBP",
          status: "succeeded",
          completedAt: now,
        })),
      });
      const tokens = invoices.map(() => randomUUID());
      await tx.basketSession.createMany({
        data: invoices.map(({ id }, position) => ({
          tokenHash: sha256Hex(tokens[position]!),
          businessId: input.businessId,
          status: input.registered ? "registered" : "paid",
          guestFullName: `Bench Guest ${indexes[position]}`,
          guestEmail: `bench-${input.label}-${indexes[position]}@example.com`,
          completedAt: now,
          consumedAt: input.registered ? now : null,
          expiresAt,
          invoiceId: id,
        })),
      });
      invoices.forEach(({ id }, position) => result.push({ invoiceId: id, token: tokens[position]! }));
    });
  }
  return result;
}
