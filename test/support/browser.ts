import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Where the browser tests write their screenshots (git-ignored). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, "../artifacts/console");

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/**
 * Chromium from the machine (Debian's `chromium` package; `.ci/run` installs it), or CHROMIUM_BIN.
 * No browser is downloaded. Without one the test fails, saying how to get it.
 */
export function chromiumPath(): string {
  const named = process.env["CHROMIUM_BIN"];
  const found = named !== undefined ? [named] : CANDIDATES.filter((candidate) => existsSync(candidate));
  if (found[0] === undefined || !existsSync(found[0])) {
    throw new Error(
      `no Chromium for the browser tests: looked for ${named ?? CANDIDATES.join(", ")}; ` +
        "install it (apt-get install -y chromium) or set CHROMIUM_BIN",
    );
  }
  return found[0];
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is and returns the serious and critical violations. axe is
 * evaluated through the DevTools protocol, so the page's CSP (which refuses inline scripts) stays on.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id as string,
      impact: v.impact as string | null,
      help: v.help as string,
      targets: (v.nodes as { target: string[] }[]).map((n) => n.target.join(" ")),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // caret "initial": hiding it would take a style element, which the console's CSP refuses.
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true, caret: "initial" });
}

/** Messages the browser logged as errors, CSP refusals among them. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}
