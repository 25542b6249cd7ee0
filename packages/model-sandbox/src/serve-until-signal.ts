/** The tail of the model sandbox's CLI: announce one JSON line, then serve until SIGINT/SIGTERM. */
export function serveUntilSignal(announce: unknown, close: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify(announce)}\n`);
  const stop = (): void => {
    void close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
