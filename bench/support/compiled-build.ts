import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../../test/support/process.js";

let built: Promise<void> | undefined;

/**
 * Brings every package's `dist/` up to date (`tsc -b`, as `npm run build`: only what changed is
 * compiled again), once per benchmark run, so that spawned services run the build of the sources
 * being measured. Throws, saying what to run, when the build fails.
 */
export function ensureCompiledBuild(): Promise<void> {
  built ??= promisify(execFile)(
    process.execPath,
    [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-b"],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  ).then(
    () => undefined,
    (error: { stdout?: string; message: string }) => {
      built = undefined;
      throw new Error(
        `the benchmarks run the services' compiled build, and \`npm run build\` (tsc -b) failed; fix it and run it:\n${error.stdout || error.message}`,
      );
    },
  );
  return built;
}
