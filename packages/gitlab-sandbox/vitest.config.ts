import { defineConfig } from "vitest/config";

// `npm test -w <this package>` runs the package's own tests from here; the root's vitest `unit`
// project runs the same files with the app's.
export default defineConfig({ test: { include: ["src/**/*.test.ts"], testTimeout: 20_000 } });
