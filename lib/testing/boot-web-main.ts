// Test entry: boot the web process's server-side part (what instrumentation.ts runs) outside Next,
// so start-up errors can be checked in a child process.
import { bootWebProcess } from "@/lib/boot";

await bootWebProcess();
process.exit(0);
