/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/embedded database and queue packages load their own assets (PGlite's wasm, pg-boss's SQL);
  // keeping them out of the bundle keeps one copy per process.
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "postgres"],
  poweredByHeader: false,
  // `npm run typecheck` checks the whole tree (tests, sandbox, scripts) in CI; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
};
export default nextConfig;
