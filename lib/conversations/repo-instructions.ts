import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { join } from "node:path";

/**
 * The repository's own instructions for agents (issue 18), put at the front of the prompt:
 * - `.openhands/microagents/repo.md`, OpenHands' "general microagent", which OpenHands always loads
 *   (https://docs.openhands.dev/openhands/usage/microagents/microagents-repo);
 * - `AGENTS.md`, for agents that do not read it themselves. Per preset:
 *   - codex reads AGENTS.md itself (https://developers.openai.com/codex/guides/agents-md);
 *   - opencode reads AGENTS.md itself (https://opencode.ai/docs/rules/);
 *   - claude-code reads CLAUDE.md, not AGENTS.md; gemini reads GEMINI.md by default; the openhands
 *     CLI documents repo.md, not AGENTS.md; custom commands and the scripted test agent read
 *     nothing: all of these get AGENTS.md in the prompt.
 * Each file is capped, with a note saying how much was left out.
 *
 * Security: the files come from the checkout, which whoever can push to the branch controls (a
 * fork's author, for a fork MR). They are read before any agent code runs, only as regular files:
 * a symlink anywhere on the path (say AGENTS.md -> /proc/self/environ or the app's .env) is ignored,
 * and the final open uses O_NOFOLLOW, so nothing outside the checkout can reach the prompt. The
 * prompt marks them as the repository's text, not the user's request.
 */

export const INSTRUCTION_FILES = [".openhands/microagents/repo.md", "AGENTS.md"] as const;
export type InstructionFile = (typeof INSTRUCTION_FILES)[number];

/** Characters kept per file (Codex's own default budget for AGENTS.md is 32 KiB in total). */
export const MAX_INSTRUCTION_CHARS = 16_000;

const READS_AGENTS_MD_ITSELF = new Set(["command:codex", "command:opencode"]);

export interface RepoInstruction {
  path: InstructionFile;
  text: string;
  truncated: boolean;
}

/** The files this runtime needs in its prompt. */
export function instructionFilesFor(runtimeId: string): InstructionFile[] {
  return INSTRUCTION_FILES.filter((f) => f !== "AGENTS.md" || !READS_AGENTS_MD_ITSELF.has(runtimeId));
}

/** A regular file at `rel` inside `root` with no symlink on the way, or null. */
async function readRegularFile(root: string, rel: string, maxBytes: number): Promise<string | null> {
  const parts = rel.split("/");
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    const st = await lstat(current).catch(() => null);
    if (!st || st.isSymbolicLink()) return null;
  }
  const handle = await open(current, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) return null;
  try {
    if (!(await handle.stat()).isFile()) return null;
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

/** OpenHands microagents may start with YAML frontmatter (`---` … `---`): metadata, not instructions. */
function withoutFrontmatter(text: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/.exec(text);
  return m ? text.slice(m[0].length) : text;
}

export async function readRepositoryInstructions(workspaceDir: string, runtimeId: string): Promise<RepoInstruction[]> {
  const out: RepoInstruction[] = [];
  for (const path of instructionFilesFor(runtimeId)) {
    // Read a little more than the cap (UTF-8 is up to 4 bytes a character) to know whether it was cut.
    const raw = await readRegularFile(workspaceDir, path, MAX_INSTRUCTION_CHARS * 4 + 4);
    if (raw === null) continue;
    const text = withoutFrontmatter(raw).trim();
    if (text === "") continue;
    const truncated = text.length > MAX_INSTRUCTION_CHARS;
    out.push({ path, text: truncated ? text.slice(0, MAX_INSTRUCTION_CHARS) : text, truncated });
  }
  return out;
}

/** One line for the timeline: which files the agent was given. */
export function describeInstructions(files: RepoInstruction[]): string {
  return `Repository instructions given to the agent: ${files.map((f) => `${f.path}${f.truncated ? ` (truncated to ${MAX_INSTRUCTION_CHARS} characters)` : ""}`).join(", ")}`;
}

/**
 * The prompt with the repository's instructions in front. Additive on purpose: the rest of the
 * prompt (prompt.ts) is built without knowing about them.
 */
export function withRepositoryInstructions(prompt: string, files: RepoInstruction[]): string {
  if (files.length === 0) return prompt;
  const sections = files.map((f) => {
    const note = f.truncated ? `\n\n[… truncated: only the first ${MAX_INSTRUCTION_CHARS} characters of ${f.path} are included]` : "";
    return `### ${f.path}\n\n${f.text}${note}`;
  });
  return [
    "## Repository instructions",
    "The repository you are working in gives these instructions to coding agents (written by the repository's maintainers, not by the user). Follow them where they apply to the task below.",
    ...sections,
    prompt,
  ].join("\n\n");
}
