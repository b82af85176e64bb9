import { describe, expect, it } from "vitest";

import { GET } from "@/app/api/health/route";
import { blockWrites } from "@/test/faults";

describe("GET /api/health", () => {
  it("answers 200 {status: ok} when a write transaction can begin", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers 503 when no write transaction can begin within about two seconds, and 200 again once one can", async () => {
    const release = await blockWrites();
    try {
      const started = performance.now();
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable" });
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await release();
    }
    expect((await GET()).status).toBe(200);
  });
});
