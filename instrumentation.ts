export async function register() {
  // The edge runtime has no database drivers; the build phase must not open the database.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { bootWebProcess } = await import("./lib/boot");
  await bootWebProcess();
}
