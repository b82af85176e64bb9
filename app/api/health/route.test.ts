import { describe, expect, it } from "vitest";

import { GET } from "@/app/api/health/route";
import { getDb } from "@/lib/server/db";
import { PROBE_EVERY_MS } from "@/lib/server/health";
import { blockWrites } from "@/test/faults";

/** An instance answers from its last probe for up to PROBE_EVERY_MS: wait that long for a fresh one. */
const nextProbe = () => new Promise((settle) => setTimeout(settle, PROBE_EVERY_MS + 50));

describe("GET /api/health", () => {
  it("answers 200 {status: ok} when the database takes a write, which is a real one: its host's row", async () => {
    await nextProbe();
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
    const [row] = await getDb().healthProbe.findMany();
    expect(Date.now() - row!.checkedAt.getTime()).toBeLessThan(PROBE_EVERY_MS);
  });

  it("writes at most once a second, however many probes arrive at once", async () => {
    await nextProbe();
    const answers = await Promise.all(Array.from({ length: 20 }, () => GET()));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const written = (await getDb().healthProbe.findMany())[0]!.checkedAt.getTime();
    for (let probe = 0; probe < 5; probe++) expect((await GET()).status).toBe(200);
    expect((await getDb().healthProbe.findMany())[0]!.checkedAt.getTime()).toBe(written);
  });

  it("answers 503 when no write can be made within about two seconds, and 200 again once one can", async () => {
    const release = await blockWrites();
    try {
      await nextProbe();
      const started = performance.now();
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable" });
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await release();
    }
    await nextProbe();
    expect((await GET()).status).toBe(200);
  });
});
