import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Problem } from "./problems.js";

export interface SourceFile {
  /** As the user would type it: the argument, joined with the path found under it. */
  path: string;
  text: string;
}

export interface LoadedFiles {
  files: SourceFile[];
  problems: Problem[];
}

// A content repository keeps its own tooling beside the rules; none of it holds rules.
const SKIPPED_DIRS = new Set(["node_modules"]);

/**
 * Reads every file named, and every `*.json` under every directory named. A path that cannot be
 * read is a problem of that path, so one typo does not hide the problems of the other files.
 */
export async function loadFiles(paths: string[]): Promise<LoadedFiles> {
  const seen = new Set<string>();
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  for (const path of paths) {
    let found: string[];
    try {
      found = (await stat(path)).isDirectory() ? await jsonFilesUnder(path) : [path];
    } catch (error) {
      problems.push({ file: path, message: `cannot read: ${reason(error)}`, code: "file" });
      continue;
    }
    if (found.length === 0) problems.push({ file: path, message: "has no *.json file", code: "file" });
    for (const file of found) {
      const absolute = resolve(file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      try {
        files.push({ path: file, text: await readFile(file, "utf8") });
      } catch (error) {
        problems.push({ file, message: `cannot read: ${reason(error)}`, code: "file" });
      }
    }
  }
  return { files, problems };
}

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
    // Linked directories are not followed: a link back up the tree would never end.
    if (entry.isDirectory()) out.push(...(await jsonFilesUnder(path)));
    else if (entry.name.endsWith(".json")) out.push(path);
  }
  return out;
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return error instanceof Error ? error.message : String(error);
}
