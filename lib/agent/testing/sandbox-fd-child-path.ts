import { join } from "node:path";

/** The script of sandbox-fd-child.ts, for tests that start it as a separate worker. */
export const FD_CHILD = join(import.meta.dirname, "sandbox-fd-child.ts");
