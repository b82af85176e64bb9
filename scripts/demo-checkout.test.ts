import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

import { getDb } from "@/lib/server/db";
import { sha256Hex } from "@/lib/server/hash";
import { callRegister } from "@/test/register-client";

const run = promisify(execFile);
const root = path.join(import.meta.dirname, "..");

/** Runs `npm run demo:checkout` as an operator would, on this test file's database. */
async function demoCheckout(
  ...args: string[]
): Promise<{ invoiceId: number; basketSession: string; completionUrl: string }> {
  const { stdout } = await run(
    path.join(root, "node_modules/.bin/tsx"),
    ["--conditions=react-server", "scripts/demo-checkout.ts", ...args],
    {
      cwd: root,
      env: { ...process.env, APP_URL: "https://billing.example.test" },
    },
  );
  const lines = stdout.split("\n").filter(Boolean);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as { invoiceId: number; basketSession: string; completionUrl: string };
}

describe("npm run demo:checkout", () => {
  it("prints one JSON line for a paid checkout that registers", async () => {
    const output = await demoCheckout("--email", "Demo.Person@Example.com", "--name", "Demo Person");

    expect(Object.keys(output)).toEqual(["invoiceId", "basketSession", "completionUrl"]);
    expect(output.basketSession).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(output.completionUrl).toBe(
      `https://billing.example.test/checkout/complete?invoiceId=${output.invoiceId}&basketSession=${output.basketSession}`,
    );
    const { basketSession: basket } = await getDb().basketToken.findUniqueOrThrow({
      where: { tokenHash: sha256Hex(output.basketSession) },
      select: {
        basketSession: {
          select: {
            guestEmail: true,
            guestFullName: true,
            status: true,
            invoice: { select: { id: true, number: true, paidAt: true } },
          },
        },
      },
    });
    expect(basket).toMatchObject({
      guestEmail: "Demo.Person@Example.com",
      guestFullName: "Demo Person",
      status: "paid",
    });
    expect(basket.invoice).toMatchObject({
      id: output.invoiceId,
      number: expect.stringMatching(/^INV-\d{4}-\d{6}$/),
      paidAt: expect.any(Date),
    });

    expect((await callRegister({ invoiceId: output.invoiceId, token: output.basketSession })).status).toBe(200);
    expect((await callRegister({ invoiceId: output.invoiceId, token: output.basketSession })).body.code).toBe(
      "basket_token_used",
    );
  });

  it("--unpaid leaves the payment pending", async () => {
    const output = await demoCheckout("--unpaid");
    const result = await callRegister({ invoiceId: output.invoiceId, token: output.basketSession });
    expect(result.body.code).toBe("payment_pending");
  });

  it("--expired places a checkout whose link has expired", async () => {
    const output = await demoCheckout("--expired");
    const result = await callRegister({ invoiceId: output.invoiceId, token: output.basketSession });
    expect(result.body.code).toBe("basket_token_expired");
  });

  it("refuses an unknown flag with usage on stderr and nothing on stdout", async () => {
    const failure = demoCheckout("--paid-twice");
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stdout: "",
      stderr: expect.stringContaining("Usage: npm run demo:checkout"),
    });
  });
});
