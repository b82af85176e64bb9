import { describe, expect, it } from "vitest";

import { GET } from "@/app/api/health/route";

// A database that cannot be opened: the directory does not exist.
process.env.DATABASE_URL = "file:/nonexistent-directory/for-health-test/app.db";

describe("GET /api/health – database down", () => {
  it("answers 503 when the database does not answer", async () => {
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable" });
  });
});
