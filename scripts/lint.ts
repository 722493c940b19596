/**
 * The project's own lint: import rules that keep packages small and independent.
 * - no deep imports into another workspace package (`@switchboard/x/src/...`);
 * - no relative import that leaves its package;
 * - no service imports another service, no package imports a service (only the runner composes them);
 * - every `@switchboard/*` import is declared in package.json and referenced in tsconfig.json;
 * - every declared `@switchboard/*` dependency is imported (so "depends on" stays true);
 * - the README's package table lists every workspace package with exactly its dependencies;
 * - no import cycles between packages or between files of one package.
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const RUNNER = "services/switchboard";
const problems: string[] = [];

type Pkg = {
  dir: string;
  name: string;
  short: string;
  kind: "packages" | "services";
  deps: Set<string>;
  refs: Set<string>;
};

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function workspaces(): Pkg[] {
  const out: Pkg[] = [];
  for (const kind of ["packages", "services"] as const) {
    for (const short of fs.readdirSync(path.join(root, kind)).sort()) {
      const dir = `${kind}/${short}`;
      const pkgFile = path.join(root, dir, "package.json");
      if (!fs.existsSync(pkgFile)) continue;
      const pkg = readJson(pkgFile);
      const tsconfig = fs.existsSync(path.join(root, dir, "tsconfig.json"))
        ? readJson(path.join(root, dir, "tsconfig.json"))
        : {};
      const refs = new Set<string>(
        (tsconfig.references ?? []).map((r: { path: string }) =>
          path.posix.normalize(path.posix.join(dir, r.path)),
        ),
      );
      out.push({
        dir,
        name: pkg.name,
        short,
        kind,
        deps: new Set(Object.keys(pkg.dependencies ?? {})),
        refs,
      });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.posix.join(dir, f.split(path.sep).join("/")));
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

const pkgs = workspaces();
const byName = new Map(pkgs.map((p) => [p.name, p]));
const pkgGraph = new Map<string, Set<string>>();

for (const pkg of pkgs) {
  const fileGraph = new Map<string, Set<string>>();
  pkgGraph.set(pkg.name, new Set());
  for (const file of sourceFiles(`${pkg.dir}/src`)) {
    const isTest = file.endsWith(".test.ts");
    fileGraph.set(file, new Set());
    for (const spec of importsOf(file)) {
      if (spec.startsWith(".")) {
        const target = path.posix
          .normalize(path.posix.join(path.posix.dirname(file), spec))
          .replace(/\.js$/, ".ts");
        if (!target.startsWith(`${pkg.dir}/`))
          problems.push(`${file}: relative import "${spec}" leaves ${pkg.dir}`);
        else if (!isTest) fileGraph.get(file)!.add(target);
        continue;
      }
      if (!spec.startsWith("@switchboard/")) continue;
      const [scope, name, ...deep] = spec.split("/");
      const depName = `${scope}/${name}`;
      const dep = byName.get(depName);
      if (deep.length > 0) problems.push(`${file}: deep import "${spec}"; import "${depName}" instead`);
      if (!dep) {
        problems.push(`${file}: imports unknown workspace package "${depName}"`);
        continue;
      }
      if (dep.kind === "services" && pkg.dir !== RUNNER) {
        problems.push(
          `${file}: imports the service "${depName}"; services talk over NATS, shared code goes in packages/`,
        );
      }
      if (isTest) continue;
      if (!pkg.deps.has(depName))
        problems.push(`${file}: imports "${depName}" but ${pkg.dir}/package.json does not declare it`);
      if (!pkg.refs.has(dep.dir))
        problems.push(
          `${file}: imports "${depName}" but ${pkg.dir}/tsconfig.json has no reference to ${dep.dir}`,
        );
      if (dep.name !== pkg.name) pkgGraph.get(pkg.name)!.add(dep.name);
    }
  }
  const cycle = findCycle(fileGraph);
  if (cycle) problems.push(`import cycle inside ${pkg.dir}: ${cycle.join(" -> ")}`);
}

for (const pkg of pkgs) {
  const used = pkgGraph.get(pkg.name)!;
  for (const dep of pkg.deps) {
    if (dep.startsWith("@switchboard/") && !used.has(dep)) {
      problems.push(`${pkg.dir}/package.json declares "${dep}" but no source file imports it`);
    }
  }
}

checkReadmeTable();

function checkReadmeTable(): void {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const rows = new Map<string, string[]>();
  for (const match of readme.matchAll(
    /^\|\s*\[?`((?:packages|services)\/[a-z-]+)`\]?[^|]*\|[^|]*\|([^|]*)\|\s*$/gm,
  )) {
    const deps = match[2]!
      .replace(/`/g, "")
      .split(",")
      .map((d) => d.trim())
      .filter((d) => d !== "" && d !== "—" && d !== "-");
    rows.set(match[1]!, deps.sort());
  }
  for (const pkg of pkgs) {
    const listed = rows.get(pkg.dir);
    const actual = [...pkgGraph.get(pkg.name)!].map((n) => n.replace("@switchboard/", "")).sort();
    if (listed === undefined) problems.push(`README.md: the package table has no row for ${pkg.dir}`);
    else if (listed.join(",") !== actual.join(",")) {
      problems.push(
        `README.md: ${pkg.dir} "depends on" says [${listed.join(", ")}], its imports say [${actual.join(", ")}]`,
      );
    }
  }
}

const cycle = findCycle(pkgGraph);
if (cycle) problems.push(`import cycle between packages: ${cycle.join(" -> ")}`);

if (problems.length > 0) {
  for (const p of problems) console.error(`lint: ${p}`);
  console.error(`lint: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`lint: ${pkgs.length} workspace packages, imports clean`);
