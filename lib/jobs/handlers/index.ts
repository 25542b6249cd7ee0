import type { HandlerMap } from "../worker";
import { systemProbe } from "./system-probe";

/** Every job handler the worker runs. */
export const handlers: HandlerMap = {
  "system.probe": systemProbe,
};
