import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect, test } from "./fixtures";

import { startBuiltServer, type TestDatabase } from "./built-server";
import { checkout, Tally } from "./traffic";

/**
 * The database's disk full or read-only, for real: a small tmpfs holds the SQLite file. Mounting one needs root;
 * without it the test is skipped and says why.
 */
const asRoot = process.getuid?.() === 0;
test.skip(!asRoot, "mounting a tmpfs for the database needs root; the disk tests did not run");
test.describe.configure({ mode: "serial", timeout: 240_000 });

let mountPoint: string;

test.beforeAll(() => {
  mountPoint = mkdtempSync(path.join(tmpdir(), "billing-disk-"));
  // Root in a container may still be refused a mount (no CAP_SYS_ADMIN): then skipped too, saying so.
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mountPoint], { encoding: "utf8" });
  test.skip(
    mounted.status !== 0,
    `could not mount a tmpfs for the database (${mounted.stderr?.trim() || mounted.error?.message}); the disk tests did not run`,
  );
});

test.afterAll(() => {
  spawnSync("umount", [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** A database on the tmpfs (its own files only: nothing else of the test writes there). */
function databaseOnTmpfs(): TestDatabase {
  return {
    provider: "sqlite",
    url: `file:${path.join(mountPoint, "app.db")}`,
    rows: () => Promise.reject(new Error("not read by these tests")),
    drop: async () => undefined,
  };
}

const health = (baseUrl: string) =>
  fetch(`${baseUrl}/api/health`).then(
    (response) => response.status,
    () => 0,
  );

test("health answers 503 while the database's disk is full, and 200 again once there is room", async () => {
  const server = await startBuiltServer({ database: databaseOnTmpfs(), port: 3351 });
  try {
    expect(await health(server.baseUrl)).toBe(200);
    // Fill the disk to the last block.
    spawnSync("dd", ["if=/dev/zero", `of=${path.join(mountPoint, "filler")}`, "bs=1M"], { stdio: "ignore" });
    await expect.poll(() => health(server.baseUrl), { timeout: 10_000 }).toBe(503);
    // Meanwhile a guest's checkout is refused, not half-written: the server keeps answering.
    const tally = new Tally();
    await checkout(tally, server.baseUrl, { productId: 1, email: "full-disk@example.com" }).catch(() => undefined);

    rmSync(path.join(mountPoint, "filler"));
    await expect.poll(() => health(server.baseUrl), { timeout: 10_000 }).toBe(200);
    const paid = await checkout(new Tally(), server.baseUrl, { productId: 1, email: "room-again@example.com" });
    expect(paid?.invoiceId).toBeGreaterThan(0);
  } finally {
    await server.stop();
  }
});

test("a start on a read-only database fails at once, saying which file cannot be written", async () => {
  execFileSync("mount", ["-o", "remount,ro", mountPoint]);
  try {
    const start = startBuiltServer({ database: databaseOnTmpfs(), port: 3352 });
    await expect(start).rejects.toThrow(/the server exited with 1[\s\S]*cannot be written/);
    await expect(start).rejects.toThrow(path.join(mountPoint, "app.db"));
  } finally {
    execFileSync("mount", ["-o", "remount,rw", mountPoint]);
  }
});
