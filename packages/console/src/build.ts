import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { precompiledValidatorsModule } from "@switchboard/rules";
import { systemEventSchemas, SYSTEM_EVENT_SCHEMA_DIR } from "./event-schemas.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const WEB_SOURCE = path.join(PACKAGE_DIR, "src", "web");
/** Where the built console is written (git-ignored build output) and served from. */
export const CONSOLE_DIR = path.join(PACKAGE_DIR, "dist", "web");
const STAMP = "build.json";
/** The files of a built console, as served. */
export const CONSOLE_FILES = ["index.html", "console.js", "console.css"] as const;
const STATIC_FILES = ["index.html", "console.css"] as const;

export interface BuiltConsole {
  dir: string;
  /** Bytes of each file written, and gzipped size of the script. */
  bytes: Record<string, number>;
}

/**
 * Bundles the console with esbuild: the page's script (Preact, CodeMirror, the rules package with its
 * validators compiled ahead, the system events' schemas) minified into one file, beside the page and
 * its style sheet. No code is generated at run time, so the page runs under a CSP without eval.
 */
export async function buildConsole(outDir: string = CONSOLE_DIR): Promise<BuiltConsole> {
  mkdirSync(outDir, { recursive: true });
  const virtual: Record<string, { contents: string; resolveDir: string }> = {
    "switchboard-console:validators": {
      contents: precompiledValidatorsModule(),
      // ajv's runtime helpers are looked up from the rules package, as its own ajv would be.
      resolveDir: path.dirname(fileURLToPath(import.meta.resolve("@switchboard/rules"))),
    },
    "switchboard-console:event-schemas": {
      contents: `export default ${JSON.stringify(systemEventSchemas())};`,
      resolveDir: WEB_SOURCE,
    },
  };
  const result = await esbuild.build({
    entryPoints: [path.join(WEB_SOURCE, "main.ts")],
    outfile: path.join(outDir, "console.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    minify: true,
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
    conditions: ["browser", "switchboard-source"],
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [
      {
        name: "switchboard-console-virtual",
        setup(build) {
          build.onResolve({ filter: /^switchboard-console:/ }, (args) => ({
            path: args.path,
            namespace: "switchboard-console",
          }));
          build.onLoad({ filter: /.*/, namespace: "switchboard-console" }, (args) => ({
            ...virtual[args.path]!,
            loader: "js",
          }));
        },
      },
    ],
  });
  // Each file lands whole (written aside, then renamed): test files running side by side may build
  // and serve the console at the same time.
  for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
  for (const file of STATIC_FILES)
    writeAtomically(path.join(outDir, file), readFileSync(path.join(WEB_SOURCE, file)));
  const inputs = [
    ...Object.keys(result.metafile.inputs)
      .filter((input) => !input.startsWith("switchboard-console:"))
      .map((input) => path.resolve(input)),
    ...STATIC_FILES.map((file) => path.join(WEB_SOURCE, file)),
    SYSTEM_EVENT_SCHEMA_DIR,
  ];
  writeAtomically(path.join(outDir, STAMP), JSON.stringify({ inputs }, null, 1));
  const bytes = Object.fromEntries(
    CONSOLE_FILES.map((file) => [file, statSync(path.join(outDir, file)).size]),
  );
  return { dir: outDir, bytes };
}

/**
 * Whether the console in `dir` is missing or older than any file it was built from. A console
 * without its sources beside it (a deployed image) is never stale.
 */
export function consoleIsStale(dir: string = CONSOLE_DIR): boolean {
  let builtAt: number;
  let inputs: string[];
  try {
    builtAt = Math.min(...CONSOLE_FILES.map((file) => statSync(path.join(dir, file)).mtimeMs));
    inputs = (JSON.parse(readFileSync(path.join(dir, STAMP), "utf8")) as { inputs: string[] }).inputs;
  } catch {
    return true;
  }
  return inputs.some((input) => {
    try {
      return statSync(input).mtimeMs > builtAt;
    } catch {
      return false;
    }
  });
}

/** Builds the console when it is missing or stale; says whether it did. */
export async function ensureConsoleBuilt(dir: string = CONSOLE_DIR): Promise<boolean> {
  if (!consoleIsStale(dir)) return false;
  await buildConsole(dir);
  return true;
}

function writeAtomically(file: string, contents: string | Uint8Array): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, contents);
  renameSync(aside, file);
}
