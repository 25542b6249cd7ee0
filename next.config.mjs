/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/embedded database and queue packages load their own assets (PGlite's wasm, pg-boss's SQL);
  // keeping them out of the bundle keeps one copy per process.
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "postgres"],
  // The workspace packages (packages/*) ship TypeScript sources with no build step; the app loads them
  // (the demo's stand-ins, the test agent's instruction language), so Next compiles them like its own code.
  transpilePackages: ["@gitlab-agent/gitlab-sandbox", "@gitlab-agent/model-sandbox"],
  poweredByHeader: false,
  // `npm run typecheck` checks the whole tree (tests, sandbox, scripts) in CI; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
};
export default nextConfig;
