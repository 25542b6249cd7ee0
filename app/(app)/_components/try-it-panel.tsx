"use client";

import { Button } from "@/components/ui/button";
import { TEST_AGENT_GRAMMAR, type AgentIntro, type TryIt } from "@/lib/demo/try-it-shared";

/**
 * Demo mode's first steps: tasks the configured agent can really do, one click each, and the
 * headline flow (label an issue in GitLab) with a link to the seeded issue.
 */
export function TryItPanel({ tryIt, agent, onExample }: { tryIt: TryIt; agent: AgentIntro; onExample: (task: string) => void }) {
  return (
    <section className="rounded-lg border border-brand-100 bg-brand-50/60 p-4" aria-labelledby="try-it-title" data-testid="try-it">
      <h2 id="try-it-title" className="font-semibold">
        Try it
      </h2>
      {agent.kind === "scripted" ? (
        <p className="mt-1 text-sm text-slate-700" data-testid="try-it-agent">
          This demo runs the <strong>test agent</strong>: no AI model, it follows plain instructions, one per line:{" "}
          {TEST_AGENT_GRAMMAR.map((g, i) => (
            <span key={g}>
              {i > 0 ? ", " : ""}
              <code className="rounded bg-white px-1 text-xs">{g}</code>
            </span>
          ))}
          . Anything else is ignored.
        </p>
      ) : (
        <p className="mt-1 text-sm text-slate-700" data-testid="try-it-agent">
          This demo runs {agent.name} on the demo GitLab&apos;s repositories.
        </p>
      )}
      <div className="mt-3 grid gap-4 lg:grid-cols-2">
        <div>
          <p className="text-sm font-medium">1. Launch a task here, on {tryIt.repository}</p>
          <ul className="mt-2 flex flex-wrap gap-2">
            {tryIt.examples.map((e) => (
              <li key={e.label}>
                <Button variant="secondary" size="sm" onClick={() => onExample(e.task)} title={`${e.task}\n\nExpect: ${e.expect}`} data-testid="try-it-example">
                  {e.label}
                </Button>
              </li>
            ))}
          </ul>
          <p className="mt-1 text-xs text-slate-600">An example fills in the task and the repository; then press Launch.</p>
        </div>
        <div>
          <p className="text-sm font-medium">2. Or work from a GitLab issue</p>
          <p className="mt-1 text-sm text-slate-700">
            Open{" "}
            <a className="text-brand-700 underline" href={tryIt.issue.url} target="_blank" rel="noreferrer" data-testid="try-it-issue-link">
              {tryIt.issue.label}
            </a>{" "}
            in the demo GitLab and press <strong>Add ~openhands</strong> under Labels (or comment <code className="rounded bg-white px-1 text-xs">@openhands</code> with a task). The agent comments, works, and opens a merge request; the conversation appears under Conversations.
          </p>
        </div>
      </div>
    </section>
  );
}
