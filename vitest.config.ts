import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

/**
 * Two projects:
 * - unit: pure logic and the stand-in packages (packages/*: the GitLab and model sandboxes; no app
 *   database);
 * - integration: `*.int.test.ts`, against a real database. TEST_DB=pglite (default) or
 *   TEST_DB=postgres with TEST_DATABASE_URL; scripts/test-all.mjs runs it once per database.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "db/**/*.test.ts", "components/**/*.test.tsx", "packages/*/src/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", ".next/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // each file gets its own database, so files may run in parallel; keep it modest on 2 cores
          maxWorkers: 2,
          // vitest 4 requires projects with different worker settings to run in separate groups
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
