// Repository picker: a user with 5,000 projects. Time to the first page of results and to each
// keystroke's search (what the picker does), against listing every project up front (what a naive
// picker does), measured in the same run through the app's GitLab service layer over real HTTP.
import { startSandbox } from "@gitlab-agent/gitlab-sandbox";
import { gitlabApi } from "@/lib/gitlab/client";
import { searchProjects } from "@/lib/gitlab/projects";

const PROJECTS = 5_000;
const words = ["payments", "search", "billing", "gateway", "catalog", "inventory", "checkout", "profile", "notify", "reports"];
const queries = ["payments-api", "checkout-web", "inventory-worker", "reports-cli"];

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(1));
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const value = await fn();
  return [performance.now() - t, value];
}

async function main() {
  const sandbox = await startSandbox({ port: 0 });
  try {
    const kinds = ["api", "web", "worker", "cli"];
    const projects = Array.from({ length: PROJECTS }, (_, i) => ({
      namespace: "bench",
      path: `${words[i % words.length]}-${kinds[Math.floor(i / words.length) % kinds.length]}-${i}`,
      default_branch: "main",
    }));
    const seeded = await sandbox.seed({
      users: [{ username: "bench", name: "Bench User", email: "bench@example.com", password: "bench-password-123", personal_access_tokens: [{ name: "bench", scopes: ["api"] }] }],
      projects,
    });
    const token = seeded.users[0]?.personal_access_tokens?.[0]?.token;
    if (!token) throw new Error("no token seeded");
    const api = gitlabApi({ baseUrl: sandbox.url, token });
    await searchProjects(api, {}); // warm-up

    const firstPage: number[] = [];
    for (let i = 0; i < 20; i++) firstPage.push((await time(() => searchProjects(api, { page: 1, perPage: 20 })))[0]);

    const keystrokes: number[] = [];
    for (const q of queries) {
      for (let n = 1; n <= q.length; n++) {
        const [ms, page] = await time(() => searchProjects(api, { search: q.slice(0, n), perPage: 20 }));
        keystrokes.push(ms);
        if (n === q.length && page.items.length === 0) throw new Error(`no result for ${q}`);
      }
    }

    const listAll: number[] = [];
    let listed = 0;
    for (let i = 0; i < 3; i++) {
      const [ms, all] = await time(() => api.Projects.all({ membership: true, perPage: 100, simple: true }));
      listAll.push(ms);
      listed = all.length;
    }
    if (listed !== PROJECTS) throw new Error(`listed ${listed} of ${PROJECTS}`);

    const result = {
      bench: "picker",
      projects: PROJECTS,
      first_page_ms: { p50: pct(firstPage, 50), p95: pct(firstPage, 95), n: firstPage.length },
      keystroke_ms: { p50: pct(keystrokes, 50), p95: pct(keystrokes, 95), n: keystrokes.length },
      list_all_up_front_ms: { p50: pct(listAll, 50), n: listAll.length, requests: Math.ceil(PROJECTS / 100) },
      ratio_list_all_vs_first_page_p50: Number((pct(listAll, 50) / pct(firstPage, 50)).toFixed(1)),
    };
    console.log(JSON.stringify(result));
  } finally {
    await sandbox.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
