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
  // Issue 14: import boundaries, one typescript-eslint `no-restricted-imports` per file. The typescript-eslint
  // rule is used, not the core one, because the child_process block above already sets the core rule on
  // app/lib/db, and two blocks setting one rule on the same files override each other. For the same
  // reason each file must match exactly one block below: `importBoundaries` builds them disjoint, every
  // file getting the union of the boundaries that apply to it.
  ...importBoundaries(),
];
export default config;

/**
 * The boundaries:
 * - drizzle: Drizzle is imported only by db/ and the query modules (`lib/<area>/queries.ts` or
 *   `lib/<area>/queries/`, test helpers in `lib/<area>/testing/queries.ts`), so an audit of what
 *   the app reads and writes, and of owner scoping, reads those files and no others.
 * - e2e: the stand-ins (the GitLab and model sandboxes) are workspace packages, and e2e/ holds only
 *   the browser tests; the product must not depend on e2e/ (deleting it must not break `npm start`).
 * - app: a package must not reach into the app, or the app's code would run inside the "GitLab" the
 *   tests check the app against.
 * - resolver: lib/conversations defines the run lifecycle; the resolver's implementations are passed
 *   in by the composition roots (the agent.run handler, the sweeper, cancel's callers), so the lower
 *   layer never imports the higher one.
 */
function importBoundaries() {
  const drizzle = {
    group: ["drizzle-orm", "drizzle-orm/*"],
    message: "Drizzle belongs to db/ and the query modules: put the query in lib/<area>/queries.ts (or queries/), taking db first and scoped by owner.",
  };
  const e2e = {
    group: ["@/e2e", "@/e2e/*", "**/e2e", "**/e2e/*"],
    message: "e2e/ holds only the Playwright tests; the GitLab and model sandboxes are the packages @gitlab-agent/gitlab-sandbox and @gitlab-agent/model-sandbox.",
  };
  const app = {
    group: ["@/*", "../**/app/*", "../**/lib/*", "../**/db/*", "../**/components/*", "../**/e2e/*"],
    message: "A workspace package stands alone: it imports no app code (@/…, app, lib, db, components) and nothing from e2e/.",
  };
  const resolver = {
    group: ["@/lib/resolver", "@/lib/resolver/*", "../resolver", "../resolver/*", "../../resolver/*"],
    message: "lib/conversations must not import the resolver: take its lifecycles through RunDeps, SweepOptions or cancel's options.",
  };
  const code = "*.{ts,tsx,mts,cts}";
  const product = ["app", "components", "lib", "db"].map((dir) => `${dir}/**/${code}`);
  const packages = [`packages/**/${code}`];
  const conversations = [`lib/conversations/**/${code}`];
  const dataLayer = [`db/**/${code}`, "lib/**/queries.ts", `lib/**/queries/**/${code}`];
  const conversationsData = ["lib/conversations/**/queries.ts", `lib/conversations/**/queries/**/${code}`];
  const block = (files, ignores, patterns) => ({ files, ignores, rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] } });
  return [
    block([`**/${code}`], [...product, ...packages], [drizzle]), // bench, scripts, e2e, configs
    block(packages, [], [app, drizzle]),
    block(product, [...conversations, ...dataLayer], [e2e, drizzle]),
    block(dataLayer, conversations, [e2e]),
    block(conversations, conversationsData, [e2e, drizzle, resolver]),
    block(conversationsData, [], [e2e, resolver]),
  ];
}
