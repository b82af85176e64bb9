import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";

import { POST } from "@/app/api/staff/demo-checkouts/route";
import { getDb } from "@/lib/server/db";
import { createBusiness, uniqueEmail } from "@/test/factories";
import { sessionCookie } from "@/test/session";

// As a production deployment is by default.
process.env.DEMO_CHECKOUTS_ENABLED = "false";

describe("POST /api/staff/demo-checkouts – switched off", () => {
  it("answers 404 to staff and creates nothing", async () => {
    const db = getDb();
    const business = await createBusiness();
    const staff = await db.staffUser.create({
      data: { businessId: business.id, email: uniqueEmail(), passwordHash: await bcrypt.hash("x", 4) },
    });
    const cookie = await sessionCookie({
      role: "staff",
      email: staff.email,
      staffUserId: staff.id,
      businessId: business.id,
    });
    const response = await POST(
      new Request("http://localhost:3000/api/staff/demo-checkouts", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:3000", cookie },
        body: "{}",
      }),
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "not_found" });
    expect(await db.invoice.count({ where: { businessId: business.id } })).toBe(0);
  });
});
