import { getEnv } from "@/lib/env";
import { PRESETS } from "@/lib/agent/presets";
import { DEMO_ISSUE } from "./seed-data";
import type { AgentIntro, TryIt } from "./try-it-shared";

export type { AgentIntro, TryIt } from "./try-it-shared";

/**
 * What the home page says about the configured agent, and in demo mode the "Try it" panel (issue
 * 17: the first example suggested a task the test agent cannot do, and nothing said it was a test
 * agent). The examples use only the test agent's grammar (packages/model-sandbox/src/instructions.ts).
 */
export function agentIntro(): AgentIntro {
  const env = getEnv();
  if (env.AGENT_RUNTIME === "scripted") {
    return { kind: "scripted", name: "Test agent", placeholder: "e.g. create file NOTES.md with content Hello from the agent" };
  }
  const preset = env.AGENT_PRESET ? PRESETS[env.AGENT_PRESET] : null;
  return { kind: "command", name: preset?.label ?? "Coding agent", placeholder: "e.g. Add a CONTRIBUTING.md explaining how to run the tests" };
}

export function tryIt(sandboxUrl: string, intro: AgentIntro): TryIt | null {
  if (!getEnv().demoMode) return null;
  const examples =
    intro.kind === "scripted"
      ? [
          { label: "Create a file", task: "create file NOTES.md with content Hello from the test agent", expect: "Resolved; push the branch or open a merge request." },
          { label: "Edit the README", task: "append Run the tests with `npm test`. to README.md", expect: "Resolved, with README.md changed." },
          { label: "Ask a question", task: "answer: The app prints a greeting; run it with `node src/index.js`.", expect: "Answered, no files changed." },
          { label: "A run that fails halfway", task: "create file draft.txt with content work in progress\nfail: the tests do not pass yet", expect: "Failed, but draft.txt can still be pushed." },
        ]
      : [
          { label: "Explain the code", task: "Explain what src/greet.js does and how it is tested. Do not change files.", expect: "An answer." },
          { label: "Add a farewell", task: "Add src/farewell.js exporting farewell(name) that returns `Goodbye, ${name}!`, with a test.", expect: "Resolved, with two new files." },
        ];
  return {
    repository: DEMO_ISSUE.project,
    examples,
    issue: { url: `${sandboxUrl}/${DEMO_ISSUE.project}/-/issues/${DEMO_ISSUE.iid}`, label: `Issue #${DEMO_ISSUE.iid} "${DEMO_ISSUE.title}"` },
  };
}
