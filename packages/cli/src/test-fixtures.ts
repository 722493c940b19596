import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./cli.js";

/** The launcher as a user runs it; tests go through it so the bin itself is what is tested. */
export const BIN = fileURLToPath(new URL("../bin/switchboard.mjs", import.meta.url));
export const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/rules/", import.meta.url));

/**
 * What the examples folder holds, as the CLI's summaries count it ("1 inbound event definition",
 * "3 rules"), so adding an example does not rewrite the tests that run them all.
 */
export function exampleCounts(): { files: number; definitions: string; rules: string } {
  const names = readdirSync(EXAMPLES_DIR);
  const count = (suffix: string) => names.filter((n) => n.endsWith(suffix)).length;
  const phrase = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const definitions = count(".inbound.json");
  const rules = count(".rule.json");
  return {
    files: definitions + rules,
    definitions: phrase(definitions, "inbound event definition"),
    rules: phrase(rules, "rule"),
  };
}

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a command sees: the test's, without SWITCHBOARD_* settings, plus the given ones. */
function commandEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("SWITCHBOARD_")),
  );
  return { ...env, ...extra };
}

/**
 * Runs `switchboard …` in this process, as `src/main.ts` does, with the output captured: the
 * commands themselves without a node start per call. `runBin` covers the launcher.
 */
export async function runCommand(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<BinResult> {
  let stdout = "";
  let stderr = "";
  // Relative paths are the user's, taken from the working directory; tests in a file run one at
  // a time in their own worker process, so changing it for the call is safe here.
  const previous = process.cwd();
  process.chdir(options.cwd);
  try {
    const code = await runCli(args, {
      out: (line) => (stdout += `${line}\n`),
      err: (line) => (stderr += `${line}\n`),
      env: commandEnv(options.env),
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

/** Runs `switchboard …` through the launcher, in `cwd` with only the given SWITCHBOARD_* settings in its environment. */
export function runBin(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<BinResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: commandEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temporary directory holding the given files (path → text), removed by `remove()`. */
export function fixtureDir(files: Record<string, string> = {}): {
  dir: string;
  write(path: string, text: string): string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-"));
  const write = (path: string, text: string): string => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    return path;
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
