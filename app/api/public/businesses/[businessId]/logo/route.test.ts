import { describe, expect, it } from "vitest";

import { GET } from "@/app/api/public/businesses/[businessId]/logo/route";
import { getDb } from "@/lib/server/db";
import { seedIfEmpty } from "@/prisma/seed";
import { createBusiness } from "@/test/factories";

await seedIfEmpty();
const seeded = await getDb().business.findFirstOrThrow({ orderBy: { id: "asc" }, select: { id: true, logoPng: true } });

function logo(businessId: string) {
  return GET(new Request(`http://localhost/api/public/businesses/${businessId}/logo`), {
    params: Promise.resolve({ businessId }),
  });
}

describe("GET /api/public/businesses/{businessId}/logo", () => {
  it("serves the business's logo as a PNG that caches, as pages and e-mails show it", async () => {
    const response = await logo(String(seeded.id));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(1, 4).toString()).toBe("PNG");
    expect(body.equals(Buffer.from(seeded.logoPng!))).toBe(true);
  });

  it("answers 404 problem+json for a business without a logo, an unknown one, or a malformed id", async () => {
    const plain = await createBusiness();
    for (const id of [String(plain.id), "999999999", "abc", "-1", "1e3"]) {
      const response = await logo(id);
      expect(response.status, id).toBe(404);
      expect(response.headers.get("content-type"), id).toContain("application/problem+json");
    }
  });
});
