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
  // Issue 14: the stand-ins (the GitLab and model sandboxes) are workspace packages, and e2e/ holds
  // only the browser tests. The product must not depend on e2e/ (it has to be deletable without
  // breaking `npm start`), and a package must not reach into the app (then it would be no package:
  // the app's code would run inside the "GitLab" the tests check the app against). The typescript-eslint
  // rule is used, not core `no-restricted-imports`, because the child_process block above already sets
  // the core rule on app/lib/db, and two blocks setting one rule on the same files override each other.
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}", "db/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/e2e", "@/e2e/*", "**/e2e", "**/e2e/*"],
              message: "e2e/ holds only the Playwright tests; the GitLab and model sandboxes are the packages @gitlab-agent/gitlab-sandbox and @gitlab-agent/model-sandbox.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/*", "../**/app/*", "../**/lib/*", "../**/db/*", "../**/components/*", "../**/e2e/*"],
              message: "A workspace package stands alone: it imports no app code (@/…, app, lib, db, components) and nothing from e2e/.",
            },
          ],
        },
      ],
    },
  },
];
export default config;
