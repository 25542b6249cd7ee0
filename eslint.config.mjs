import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Issue 12: agent code runs only inside the sandbox. Starting processes is reserved to the sandbox
  // module (lib/agent/sandbox), the process-group primitive it is built on, and the app's own git
  // (lib/agent/git-process.ts, which never runs agent code). Anything else in the product that wants
  // to run a command must go through spawnSandboxed, so no code path can start an agent unconfined.
  // Tests, benchmarks, scripts and the stand-in servers start real processes on purpose.
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}", "db/**/*.ts"],
    ignores: [
      "lib/agent/sandbox/**",
      "lib/agent/process-group.ts",
      "lib/agent/git-process.ts",
      // reads the clone's origin URL with the app's own git (no agent code)
      "lib/resolver/run-lifecycle/merge-request-lifecycle.ts",
      "lib/testing/**",
      "**/*.test.ts",
      "**/*.test.tsx",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "node:child_process", message: "Agent code runs only through spawnSandboxed (lib/agent/sandbox); see eslint.config.mjs." },
            { name: "child_process", message: "Agent code runs only through spawnSandboxed (lib/agent/sandbox); see eslint.config.mjs." },
          ],
          patterns: [
            {
              group: ["**/process-group", "@/lib/agent/process-group"],
              importNames: ["spawnGroup"],
              message: "spawnGroup starts processes unconfined; agent code runs only through spawnSandboxed (lib/agent/sandbox).",
            },
          ],
        },
      ],
    },
  },
];
export default config;
