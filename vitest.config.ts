import path from "node:path";

import { defineConfig } from "vitest/config";

import { testPostgresUrl } from "./test/paths.ts";

const root = import.meta.dirname;
const postgresUrl = testPostgresUrl();

/**
 * The integration suite runs on SQLite always, and on PostgreSQL too when a server answers (TEST_POSTGRES_URL,
 * or the local one): the same tests, each file on a fresh copy of a migrated template database.
 */
export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // What "server-only" resolves to on the server (its react-server export): nothing.
      "server-only": path.join(root, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", ".next/**", "e2e/**"],
    setupFiles: [path.join(root, "test/setup-database.ts")],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true as const,
        test: {
          name: "sqlite",
          globalSetup: [path.join(root, "test/global-setup.ts")],
          env: { TEST_DATABASE_PROVIDER: "sqlite" },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                globalSetup: [path.join(root, "test/global-setup-postgres.ts")],
                env: { TEST_DATABASE_PROVIDER: "postgresql", TEST_POSTGRES_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
