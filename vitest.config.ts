import path from "node:path";

import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

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
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**"],
    globalSetup: [path.join(root, "test/global-setup.ts")],
    setupFiles: [path.join(root, "test/setup-database.ts")],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
