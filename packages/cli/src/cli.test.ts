import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLES_DIR, fixtureDir, runBin, runCommand } from "./test-fixtures.js";

describe("switchboard command line", () => {
  const work = fixtureDir({ "rule.json": "{}" });
  afterAll(() => work.remove());
  const run = (...args: string[]) => runCommand(args, { cwd: work.dir });

  it("runs through the launcher a user calls, passing on output and exit codes", async () => {
    const top = await runBin(["--help"], { cwd: work.dir });
    expect(top.stdout).toContain("Usage: switchboard <command>");
    expect(top.code).toBe(0);
    const checked = await runBin(["rules", "validate", EXAMPLES_DIR], { cwd: work.dir });
    expect(checked.stdout).toContain("no problems");
    expect(checked.code).toBe(0);
    const refused = await runBin(["rules", "check", "x"], { cwd: work.dir });
    expect(refused.stderr).toContain('switchboard: unknown command "rules check"');
    expect(refused.code).toBe(2);
  });

  it("prints usage on --help, to stdout, with exit 0", async () => {
    const top = await run("--help");
    expect(top.stdout).toContain("Usage: switchboard <command>");
    expect(top.code).toBe(0);
    const rules = await run("rules", "--help");
    expect(rules.stdout).toContain("switchboard rules dry-run <rule-file> (--payload <file> | --recent <n>)");
    expect(rules.stdout).toContain("SWITCHBOARD_KEY");
    expect(rules.code).toBe(0);
    expect((await run("rules", "apply", "-h")).code).toBe(0);
  });

  const usageErrors: [string[], string][] = [
    [[], "no command given"],
    [["rulez", "validate", "x"], 'unknown command "rulez"'],
    [["rules"], "no rules command given (validate, apply or dry-run)"],
    [["rules", "check", "x"], 'unknown command "rules check"'],
    [["rules", "validate"], "no file or directory given"],
    [["rules", "validate", "--strikt", "x"], "unknown flag --strikt"],
    [["rules", "apply", "x", "--activate=yes"], "--activate takes no value"],
    [["rules", "apply", "x", "--org"], "--org needs a value"],
    [["rules", "dry-run", "rule.json"], "give either --payload <file> or --recent <n>"],
    [
      ["rules", "dry-run", "rule.json", "--recent", "0"],
      '--recent takes a whole number of events, at least 1, not "0"',
    ],
    [
      ["rules", "dry-run", "a.json", "b.json", "--recent", "1"],
      "one rule file at a time; also given: b.json",
    ],
  ];

  it.each(usageErrors)("refuses %j with usage on stderr and exit 2", async (args, message) => {
    const result = await run(...args);
    expect(result.stderr).toContain(`switchboard: ${message}\n`);
    expect(result.stderr).toContain("Usage: switchboard");
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
  });

  it("names every missing connection setting, and takes them from the environment", async () => {
    const missing = await run("rules", "apply", EXAMPLES_DIR);
    expect(missing.stderr).toContain(
      "switchboard: missing --url (or SWITCHBOARD_URL), --key (or SWITCHBOARD_KEY), --org (or SWITCHBOARD_ORG)\n",
    );
    expect(missing.code).toBe(2);
    const partly = await runCommand(["rules", "apply", EXAMPLES_DIR, "--org", "clinic"], {
      cwd: work.dir,
      env: { SWITCHBOARD_URL: "http://127.0.0.1:9" },
    });
    expect(partly.stderr).toContain("switchboard: missing --key (or SWITCHBOARD_KEY)\n");
    expect(partly.code).toBe(2);
    const badOrg = await runCommand(["rules", "apply", EXAMPLES_DIR, "--org", "a.b"], {
      cwd: work.dir,
      env: { SWITCHBOARD_URL: "http://127.0.0.1:9", SWITCHBOARD_KEY: "k" },
    });
    expect(badOrg.stderr).toContain('switchboard: orgId "a.b" is invalid');
    expect(badOrg.code).toBe(2);
  });

  it("validates before connecting and says when the server cannot be reached", async () => {
    work.write("bad/x.rule.json", "{");
    const env = { SWITCHBOARD_URL: "http://127.0.0.1:9", SWITCHBOARD_KEY: "k", SWITCHBOARD_ORG: "clinic" };
    const invalid = await runCommand(["rules", "apply", "bad"], { cwd: work.dir, env });
    expect(invalid.stdout).toContain(
      "bad/x.rule.json:1:2: not JSON: the file ends before the JSON value is complete [json]",
    );
    expect(invalid.stdout).toContain("nothing was applied");
    expect(invalid.code).toBe(1);
    const unreachable = await runCommand(["rules", "apply", EXAMPLES_DIR], { cwd: work.dir, env });
    expect(unreachable.stderr).toMatch(/^switchboard: cannot reach http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/m);
    expect(unreachable.code).toBe(1);
  });
});
