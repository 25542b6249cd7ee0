import { connection } from "next/server";
import { sandboxSettings } from "@/lib/agent/sandbox/settings";

/** On every page while AGENT_SANDBOX=off (development only): agents then run unconfined. */
export async function SandboxOffBanner() {
  // Read at request time: the setting belongs to the running server, not to the build.
  await connection();
  if (sandboxSettings().enabled) return null;
  return (
    <div role="alert" data-testid="sandbox-off-banner" className="bg-red-700 px-4 py-2 text-center text-sm text-white">
      <strong>AGENT_SANDBOX=off:</strong> agents run without the sandbox, with this server&apos;s files, network and processes in
      reach. For development only; never run it like this for other people.
    </div>
  );
}
