/**
 * The plain instruction language of the scripted test agent (lib/agent/scripted-runtime.ts) and of
 * the model sandbox's brain. It lives in this package so the sandbox never imports the app; the app
 * imports it as `@gitlab-agent/model-sandbox/instructions`. It has no Node dependencies.
 *
 * Grammar (keywords are case-insensitive; instructions are one per line or separated by `;`):
 *
 *   create file PATH [with content TEXT]   write TEXT (default: empty) to PATH, replacing it
 *   append TEXT to PATH                    add TEXT as a line at the end of PATH (created if missing)
 *   delete file PATH                       remove PATH
 *   answer: TEXT                           reply without changing files
 *   fail: REASON                           stop and report failure
 *   sleep N                                wait N seconds (abortable)
 *   run: COMMAND                           run COMMAND with /bin/sh -c in the workspace
 *   echo prompt                            answer with the whole prompt it received (tests read it)
 *   review summary: TEXT                   the summary of a review (see review-block.ts)
 *   finding PATH:LINE[:old] TEXT           a review finding on LINE of PATH (new side unless `:old`)
 *
 * Review instructions make the agent end its reply with the `openhands-review` block.
 *
 * - TEXT runs to the end of its line or instruction. Escapes: `\n` newline, `\t` tab, `\;` a literal
 *   semicolon, `\\` a backslash. Written file content always ends with a newline.
 * - PATH is one word, optionally in quotes or backticks, relative to the workspace.
 * - A line may start with list or quote markers (`- `, `1. `, `> `), "please" or "task:", and may be
 *   wrapped in backticks; everything else that does not start with a keyword is ignored, so a prompt
 *   can carry context (issue text, conversation history) around the instructions.
 * - When the prompt has markdown headings like `## Task` (also "Current task", "New task",
 *   "Follow-up", "Request"), only the text after the LAST such heading is read, to the end of the
 *   prompt: earlier turns of a conversation are history, not orders. (Other headings do not end the
 *   section, because the task itself, e.g. an issue description, may contain headings.)
 */

export type Instruction =
  | { type: "create"; path: string; content: string }
  | { type: "append"; path: string; text: string }
  | { type: "delete"; path: string }
  | { type: "answer"; text: string }
  | { type: "fail"; reason: string }
  | { type: "sleep"; seconds: number }
  | { type: "run"; command: string }
  | { type: "echo_prompt" }
  | { type: "review_summary"; text: string }
  | { type: "finding"; file: string; line: number; side: "new" | "old"; body: string };

const TASK_HEADING = /^#{1,6}\s*(?:(?:current|new|latest)\s+)?(?:task|follow[- ]?up|request)\b/i;
const MAX_SLEEP_SECONDS = 3600;

/** The part of the prompt that holds the current task (see the module comment). */
export function taskSection(prompt: string): string {
  const lines = prompt.split(/\r?\n/);
  let start = -1;
  lines.forEach((line, i) => {
    if (TASK_HEADING.test(line.trim())) start = i;
  });
  return start < 0 ? prompt : lines.slice(start + 1).join("\n");
}

/** Splits on `;` except `\;`, keeping escapes for unescape() to resolve. */
function splitSegments(line: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && i + 1 < line.length) {
      current += c + line[i + 1];
      i++;
    } else if (c === ";") {
      out.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\([nt;\\])/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

function cleanPath(raw: string): string {
  return raw.trim().replace(/^["'`]+|["'`.,]+$/g, "");
}

/** File content as the scripted agent writes it: exactly TEXT, ending with one newline. */
function asLine(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

function stripNoise(segment: string): string {
  let s = segment.trim();
  if (s.startsWith("`") && s.endsWith("`") && s.length > 1) s = s.replace(/^`+|`+$/g, "").trim();
  s = s.replace(/^(?:(?:[-*+>]|\d+[.)])\s+)+/, "");
  s = s.replace(/^(?:please\s+|task:\s*)+/i, "");
  if (s.startsWith("`") && s.endsWith("`") && s.length > 1) s = s.replace(/^`+|`+$/g, "").trim();
  return s;
}

export function parseInstruction(segment: string): Instruction | null {
  const s = stripNoise(segment);
  let m: RegExpExecArray | null;
  if ((m = /^create\s+(?:a\s+)?file\s+(\S+)(?:\s+with\s+(?:the\s+)?content:?\s?(.*))?$/is.exec(s))) {
    return { type: "create", path: cleanPath(m[1] ?? ""), content: m[2] === undefined ? "" : asLine(unescape(m[2])) };
  }
  if ((m = /^append\s+(.+)\s+to\s+(?:file\s+)?(\S+)$/is.exec(s))) {
    return { type: "append", path: cleanPath(m[2] ?? ""), text: asLine(unescape(m[1] ?? "")) };
  }
  if ((m = /^delete\s+(?:the\s+)?file\s+(\S+)$/i.exec(s))) return { type: "delete", path: cleanPath(m[1] ?? "") };
  if ((m = /^answer:\s*(.*)$/is.exec(s))) return { type: "answer", text: unescape(m[1] ?? "").trim() };
  if ((m = /^fail:\s*(.*)$/is.exec(s))) return { type: "fail", reason: unescape(m[1] ?? "").trim() || "failed as instructed" };
  if ((m = /^sleep\s+(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)?\.?$/i.exec(s))) {
    return { type: "sleep", seconds: Math.min(Number(m[1]), MAX_SLEEP_SECONDS) };
  }
  if ((m = /^run:\s*(.+)$/is.exec(s))) return { type: "run", command: unescape(m[1] ?? "").trim() };
  if (/^echo\s+(?:the\s+)?prompt\.?$/i.test(s)) return { type: "echo_prompt" };
  if ((m = /^review\s+summary:\s*(.*)$/is.exec(s))) return { type: "review_summary", text: unescape(m[1] ?? "").trim() };
  if ((m = /^finding\s+(\S+?):(\d+)(?::(old|new))?\s+(.+)$/is.exec(s))) {
    return { type: "finding", file: cleanPath(m[1] ?? ""), line: Number(m[2]), side: m[3]?.toLowerCase() === "old" ? "old" : "new", body: unescape(m[4] ?? "").trim() };
  }
  return null;
}

/** All instructions of the prompt's task section, in order. */
export function parseInstructions(prompt: string): Instruction[] {
  const out: Instruction[] = [];
  for (const line of taskSection(prompt).split(/\r?\n/)) {
    for (const segment of splitSegments(line)) {
      const instruction = parseInstruction(segment);
      if (instruction) out.push(instruction);
    }
  }
  return out;
}
