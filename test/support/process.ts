import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `SWITCHBOARD_CPU_PROF_DIR=<dir>` profiles every process started this way (`node --cpu-prof`),
 * one `.cpuprofile` per process written there when it exits: how a benchmark's services are profiled.
 */
function profileArgs(): string[] {
  const dir = process.env.SWITCHBOARD_CPU_PROF_DIR;
  return dir === undefined || dir === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${path.resolve(dir)}`];
}

export interface EntryPointOptions {
  /**
   * Run the compiled build (`dist/…/main.js` of the entry's package, as the Docker image does)
   * instead of the TypeScript sources through a loader. It must be built (`npm run build`).
   */
  compiled?: boolean;
}

/**
 * Runs an entry point of the project (`services/<name>/src/main.ts`) in a child process: its
 * sources the way `npm start` does, or with `compiled`, its build the way the image does.
 */
export function runEntryPoint(
  entry: string,
  env: Record<string, string>,
  options: EntryPointOptions = {},
): ServiceProcess {
  const args = options.compiled
    ? [compiledEntryPoint(entry)]
    : ["--conditions=switchboard-source", "--import", "tsx", path.join(ROOT, entry)];
  // The build runs with the image's V8 options (its heap ceiling) and malloc arenas, as in a container.
  const nodeOptions: Record<string, string> = options.compiled
    ? {
        NODE_OPTIONS: [imageEnv("NODE_OPTIONS"), process.env.NODE_OPTIONS ?? ""].join(" ").trim(),
        MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? imageEnv("MALLOC_ARENA_MAX"),
      }
    : {};
  const child = spawn(process.execPath, [...profileArgs(), ...args], {
    cwd: ROOT,
    env: childEnv({ ...nodeOptions, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return watchedProcess(child, entry);
}

/**
 * A child's environment: this process's, warnings only, `env` over them, and a data dir of its own
 * unless `env` names one (the runner keeps a keyring there and, without NATS_URL/DATABASE_URL, its
 * stores), never in the working tree.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LOG_LEVEL: "warn",
    SWITCHBOARD_DATA_DIR: env.SWITCHBOARD_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), "switchboard-")),
    ...env,
  };
}

/**
 * `npm run <script> -- <args>` (`npm start` for "start") in the project, as a user or a
 * supervisor runs it, in a process group of its own: `stop` signals npm alone, as a supervisor
 * does, and `killGroup` kills npm and everything in its group.
 */
export function runNpmScript(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): ServiceProcess & { killGroup(): void } {
  const child = spawn("npm", ["run", "--silent", script, ...(args.length > 0 ? ["--", ...args] : [])], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return {
    ...watchedProcess(child, `npm run ${script}`),
    killGroup() {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group is gone already
      }
    },
  };
}

function watchedProcess(child: ChildProcess, entry: string): ServiceProcess {
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Checked on every chunk of output; fails at once when the process exits without printing it,
  // and on a timeout with what it did print, which is where to look. (A promise settles once: what
  // comes after its first outcome is a no-op, and so is a second `done`.)
  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const output = () => text || "(none)";
      const done = () => {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        child.stderr?.off("data", check);
        child.off("exit", onExit);
      };
      const check = () => {
        const match = pattern.exec(text);
        if (match !== null) {
          done();
          resolve(match);
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        check(); // its last lines may hold it
        done();
        reject(
          new Error(
            `${entry} exited (${code ?? signal}) before printing ${pattern}; its output:\n${output()}`,
          ),
        );
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${pattern} in the output of ${entry}; its output so far:\n${output()}`,
          ),
        );
      }, timeoutMs);
      child.stdout?.on("data", check);
      child.stderr?.on("data", check);
      if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
      else {
        child.once("exit", onExit);
        check();
      }
    });
  return {
    child,
    output: () => text,
    waitForOutput,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

let dockerfile: string | undefined;

/**
 * A variable the Docker image's ENV (deploy/docker/Dockerfile) sets for every service
 * (`NAME=value` or `NAME="value"`): its NODE_OPTIONS, its MALLOC_ARENA_MAX.
 */
export function imageEnv(name: string): string {
  dockerfile ??= readFileSync(path.join(ROOT, "deploy", "docker", "Dockerfile"), "utf8");
  const match = new RegExp(`^\\s*(?:ENV\\s+)?${name}=(?:"([^"]*)"|(\\S+))`, "m").exec(dockerfile);
  const value = match?.[1] ?? match?.[2];
  if (value === undefined) throw new Error(`deploy/docker/Dockerfile sets no ${name}`);
  return value;
}

/** `services/<name>/src/main.ts` → `services/<name>/dist/main.js`, which must exist. */
export function compiledEntryPoint(entry: string): string {
  const compiled = path.join(ROOT, entry.replace(/(^|\/)src\/(.*)\.ts$/, "$1dist/$2.js"));
  if (compiled.endsWith(".ts") || !existsSync(compiled)) {
    throw new Error(
      `${entry} has no compiled build at ${path.relative(ROOT, compiled)}: run \`npm run build\``,
    );
  }
  return compiled;
}
