import "server-only";

import { randomUUID } from "node:crypto";

import { priceLine } from "@/lib/money";
import { execute, getDb, Prisma, query, runOneWrite, runTransaction, type SqlScript } from "@/lib/server/db";
import { built, sqlBuilder } from "@/lib/server/db/builder";
import { int, text } from "@/lib/server/db/columns";
import { sha256Hex } from "@/lib/server/hash";

const CHUNK = 500;

export interface BenchCheckout {
  invoiceId: number;
  token: string;
}

/** A priced line, as the invoice stores it. */
type BenchLine = {
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBp: number;
  amountMinor: number;
  taxMinor: number;
};

/**
 * For the benchmark only (scripts/bench.ts, and the bench routes behind ENABLE_BENCH_ROUTES): the data it needs,
 * written in bulk.
 *
 * Paid guest checkouts written in bulk for the benchmark (not through HTTP): invoice, line, payment and basket
 * session, as the checkout would leave them, CHUNK at a time in one transaction script each. With `registered`,
 * each invoice is also linked to a customer of its own, ready for the token-gated reads.
 */
export async function seedBenchCheckouts(input: {
  businessId: number;
  count: number;
  registered?: boolean;
  label: string;
}): Promise<BenchCheckout[]> {
  const product = await getDb().product.findFirstOrThrow({
    where: { businessId: input.businessId },
    orderBy: { id: "asc" },
  });
  const line = {
    description: product.name,
    quantity: 1,
    unitPriceMinor: product.unitPriceMinor,
    taxRateBp: product.taxRateBp,
  };
  const result: BenchCheckout[] = [];
  for (let start = 0; start < input.count; start += CHUNK) {
    const indexes = Array.from({ length: Math.min(CHUNK, input.count - start) }, (_, offset) => start + offset);
    result.push(
      ...(await runTransaction(() => seedChunk(input, indexes, { ...line, ...priceLine(line) }, new Date()))),
    );
  }
  return result;
}

function* seedChunk(
  input: { businessId: number; registered?: boolean; label: string },
  indexes: number[],
  line: BenchLine,
  now: Date,
): SqlScript<BenchCheckout[]> {
  const expiresAt = new Date(now.getTime() + 24 * 3_600_000);
  const email = (index: number) => `bench-${input.label}-${index}@example.com`;
  const invoiceNumber = (index: number) => `BENCH-${input.label}-${String(index).padStart(7, "0")}`;
  const reference = (index: number) => `pay_bench_${input.label}_${index}`;
  const totalMinor = line.amountMinor + line.taxMinor;

  const customerIdByEmail = new Map<string, number>();
  if (input.registered) {
    const customers = yield* query(
      Prisma.sql`
      INSERT INTO "Customer" ("businessId", "fullName", "email", "portalAccessGrantedAt", "createdAt")
      VALUES ${Prisma.join(indexes.map((index) => Prisma.sql`(${input.businessId}, ${`Bench Customer ${index}`}, ${email(index)}, ${now}, ${now})`))}
      RETURNING "id", "email"`,
      { id: int, email: text },
    );
    for (const customer of customers) customerIdByEmail.set(customer.email, customer.id);
  }
  const invoices = yield* query(
    Prisma.sql`
    INSERT INTO "Invoice" ("number", "businessId", "customerId", "billedToName", "billedToEmail", "billedToAddress",
                           "subtotalMinor", "taxMinor", "totalMinor", "currency", "issuedAt", "paidAt", "paymentReference", "createdAt")
    VALUES ${Prisma.join(
      indexes.map(
        (index) =>
          Prisma.sql`(${invoiceNumber(index)}, ${input.businessId}, ${customerIdByEmail.get(email(index)) ?? null}, ${`Bench Guest ${index}`},
                      ${email(index)}, ${"1 Bench Street\nE1 6AN London\nUnited Kingdom"}, ${line.amountMinor}, ${line.taxMinor}, ${totalMinor},
                      'GBP', ${now}, ${now}, ${reference(index)}, ${now})`,
      ),
    )}
    RETURNING "id", "number"`,
    { id: int, number: text },
  );
  // RETURNING promises no order: match the rows by their unique numbers.
  const invoiceIdByNumber = new Map(invoices.map((invoice) => [invoice.number, invoice.id]));
  const invoiceIdOf = (index: number) => {
    const id = invoiceIdByNumber.get(invoiceNumber(index));
    if (id === undefined) throw new Error(`bench invoice ${invoiceNumber(index)} was not returned`);
    return id;
  };
  yield* execute(Prisma.sql`
    INSERT INTO "InvoiceLine" ("invoiceId", "position", "description", "quantity", "unitPriceMinor", "taxRateBp", "amountMinor", "taxMinor")
    VALUES ${Prisma.join(
      indexes.map(
        (index) =>
          Prisma.sql`(${invoiceIdOf(index)}, 1, ${line.description}, ${line.quantity}, ${line.unitPriceMinor}, ${line.taxRateBp}, ${line.amountMinor}, ${line.taxMinor})`,
      ),
    )}`);
  yield* execute(Prisma.sql`
    INSERT INTO "Payment" ("invoiceId", "provider", "reference", "amountMinor", "currency", "status", "createdAt", "completedAt")
    VALUES ${Prisma.join(indexes.map((index) => Prisma.sql`(${invoiceIdOf(index)}, 'test', ${reference(index)}, ${totalMinor}, 'GBP', 'succeeded', ${now}, ${now})`))}`);
  const checkouts = indexes.map((index) => ({ index, invoiceId: invoiceIdOf(index), token: randomUUID() }));
  const registered = input.registered ? now : null;
  const baskets = yield* query(
    Prisma.sql`
    INSERT INTO "BasketSession" ("businessId", "status", "guestFullName", "guestEmail", "completedAt", "consumedAt", "registeredBy", "redeemedAt", "expiresAt", "invoiceId", "createdAt")
    VALUES ${Prisma.join(
      checkouts.map(
        ({ index, invoiceId }) =>
          Prisma.sql`(${input.businessId}, ${input.registered ? "registered" : "paid"}, ${`Bench Guest ${index}`}, ${email(index)},
                      ${now}, ${registered}, ${input.registered ? "guest" : null}, ${registered}, ${expiresAt}, ${invoiceId}, ${now})`,
      ),
    )}
    RETURNING "id", "invoiceId"`,
    { id: int, invoiceId: int },
  );
  const basketOfInvoice = new Map(baskets.map((basket) => [basket.invoiceId, basket.id]));
  yield* execute(Prisma.sql`
    INSERT INTO "BasketToken" ("tokenHash", "basketSessionId", "createdAt")
    VALUES ${Prisma.join(checkouts.map(({ invoiceId, token }) => Prisma.sql`(${sha256Hex(token)}, ${basketOfInvoice.get(invoiceId)!}, ${now})`))}`);
  return checkouts.map(({ invoiceId, token }) => ({ invoiceId, token }));
}

/** Every paid checkout still waiting for its registration falls due at once (the benchmark of the server's registration). */
export async function makeWaitingFulfilmentsDue(): Promise<void> {
  const due = new Date(Date.now() - 1000);
  await runOneWrite(() =>
    execute(
      built(
        sqlBuilder
          .updateTable("BasketSession")
          .set({ fulfilAt: due })
          .where("fulfilAt", "is not", null)
          .where("consumedAt", "is", null),
      ),
    ),
  );
}
