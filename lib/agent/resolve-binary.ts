import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds an agent binary: a path containing "/" is used as is; a bare name is looked up on the
 * agent's PATH, then in the project's node_modules/.bin (agents installed as npm packages, such as
 * @openai/codex, need no global install).
 */
export async function resolveBinary(name: string, pathEnv: string | undefined, projectRoot = process.cwd()): Promise<string | null> {
  if (name.includes("/")) return (await isExecutableFile(name)) ? name : null;
  const dirs = (pathEnv ?? "").split(delimiter).filter((d) => d !== "" && isAbsolute(d));
  dirs.push(join(projectRoot, "node_modules", ".bin"));
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}
