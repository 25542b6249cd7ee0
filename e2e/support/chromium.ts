import fs from "node:fs";

/**
 * Playwright drives the system Chromium: `npx playwright install` cannot download browsers here.
 * Order: an explicit env var, Debian's path, then other common locations. No browser is an error
 * with instructions, never a silent skip.
 */
const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/snap/bin/chromium"];

export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH ?? process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH points to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at ${candidates.join(", ")}). Install one with \`sudo apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium/Chrome binary.`,
    );
  }
  return found;
}

export const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
