import { execFile } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.join(import.meta.dirname, "..");
const provider = process.env.DATABASE_URL?.startsWith("file:") ? "sqlite" : "postgres";

describe("schema and migrations", () => {
  it("both providers read the one model definition", () => {
    for (const folder of ["sqlite", "postgres"]) {
      const models = path.join(root, "prisma", folder, "models.prisma");
      expect(realpathSync(models)).toBe(path.join(root, "prisma", "models.prisma"));
    }
    const models = readFileSync(path.join(root, "prisma/models.prisma"), "utf8").replace(/\/\/.*$/gm, "");
    // What only one of the two databases has: native types and enums.
    expect(models).not.toMatch(/@db\.|\benum\s+\w+\s*\{/);
  });

  it(`the committed ${provider} migrations build exactly the models (a new model needs a new migration)`, async () => {
    const folder = path.join("prisma", provider);
    const result = await run(
      path.join(root, "node_modules/.bin/prisma"),
      [
        "migrate",
        "diff",
        "--from-migrations",
        path.join(folder, "migrations"),
        "--to-schema-datamodel",
        folder,
        "--exit-code",
      ],
      { cwd: root, env: { ...process.env } },
    ).then(
      () => 0,
      (error: { code?: number; stdout?: string }) => error.code ?? -1,
    );
    // 0: no difference; 2: the migrations are behind the models.
    expect(result).toBe(0);
  });
});
