/**
 * What a newcomer finds in the demo GitLab: one user, a personal project and a group project, each
 * holding a small real codebase and an issue, and the OAuth application the app signs in with.
 */
export const DEMO_USER = { username: "demo", password: "demo-password-123", name: "Demo Developer", email: "demo@example.com" };
export const DEMO_GROUP = { path: "acme", name: "Acme" };
/** The trigger label (product.md §4), seeded in every demo project. */
const OPENHANDS_LABEL = { title: "openhands", color: "#6d28d9", description: "Ask the OpenHands agent to work on this issue" };
/** The demo issue the home page's "Try it" panel sends people to. */
export const DEMO_ISSUE = { project: "demo/hello-app", iid: 1, title: "Add a farewell function" };

const helloApp: Record<string, string> = {
  "README.md": "# hello-app\n\nA tiny Node.js app used by the demo.\n\n```bash\nnode src/index.js\n```\n",
  "package.json": JSON.stringify({ name: "hello-app", version: "1.0.0", type: "module", scripts: { start: "node src/index.js", test: "node --test" } }, null, 2) + "\n",
  "src/index.js": 'import { greet } from "./greet.js";\n\nconsole.log(greet(process.argv[2] ?? "world"));\n',
  "src/greet.js": "export function greet(name) {\n  return `Hello, ${name}!`;\n}\n",
  "test/greet.test.js": 'import test from "node:test";\nimport assert from "node:assert";\nimport { greet } from "../src/greet.js";\n\ntest("greets", () => assert.equal(greet("Ada"), "Hello, Ada!"));\n',
};

const webShop: Record<string, string> = {
  "README.md": "# web-shop\n\nAcme's storefront: a cart module and its tests.\n",
  "package.json": JSON.stringify({ name: "web-shop", version: "0.3.0", type: "module", scripts: { test: "node --test" } }, null, 2) + "\n",
  "src/cart.js":
    "export class Cart {\n  constructor() {\n    this.items = [];\n  }\n\n  add(sku, price, qty = 1) {\n    this.items.push({ sku, price, qty });\n  }\n\n  total() {\n    return this.items.reduce((sum, i) => sum + i.price * i.qty, 0);\n  }\n}\n",
  "test/cart.test.js":
    'import test from "node:test";\nimport assert from "node:assert";\nimport { Cart } from "../src/cart.js";\n\ntest("totals", () => {\n  const c = new Cart();\n  c.add("A", 2, 3);\n  assert.equal(c.total(), 6);\n});\n',
};

export function demoSeed(appUrl: string) {
  return {
    users: [{ ...DEMO_USER, personal_access_tokens: [] }],
    groups: [{ ...DEMO_GROUP, tier: "premium", members: [{ username: DEMO_USER.username, access_level: 50 }] }],
    projects: [
      {
        namespace: DEMO_USER.username,
        path: "hello-app",
        name: "hello-app",
        default_branch: "main",
        files: helloApp,
        // The label that triggers the agent, so the demo issue page offers "Add ~openhands".
        labels: [OPENHANDS_LABEL],
        issues: [{ title: "Add a farewell function", description: "create file src/farewell.js with content export const farewell = (name) => `Goodbye, ${name}!`;", labels: [], author: DEMO_USER.username }],
      },
      {
        namespace: DEMO_GROUP.path,
        path: "web-shop",
        name: "web-shop",
        default_branch: "main",
        files: webShop,
        members: [],
        labels: [OPENHANDS_LABEL],
        issues: [{ title: "Document the cart", description: "append ## Cart\\nCart totals are computed in src/cart.js. to README.md", labels: [], author: DEMO_USER.username }],
      },
    ],
    oauth_applications: [
      {
        name: "OpenHands (demo)",
        redirect_uri: `${appUrl}/api/auth/callback/gitlab`,
        scopes: ["api", "read_user", "read_repository", "write_repository"],
      },
    ],
  };
}

/** Extra branches so the branch picker has something to choose besides the default. */
export const DEMO_BRANCHES = [
  { project: `${DEMO_USER.username}/hello-app`, branch: "feature/greeting-punctuation", ref: "main" },
  { project: `${DEMO_USER.username}/hello-app`, branch: "release/1.0", ref: "main" },
  { project: `${DEMO_GROUP.path}/web-shop`, branch: "feature/discounts", ref: "main" },
];
