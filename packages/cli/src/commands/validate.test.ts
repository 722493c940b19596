import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLES_DIR, exampleCounts, fixtureDir, runCommand } from "../test-fixtures.js";

const DEFINITION = readFileSync(join(EXAMPLES_DIR, "scheduling.slotBooked.inbound.json"), "utf8");

/** A rule file, one line per entry, so each test knows the line its problem is on. */
const lines = (...text: string[]): string => `${text.join("\n")}\n`;
const ASSIGN =
  '{ "assignForm": { "formName": "AppointmentReminder", "userId": { "var": "patientId" }, "plan": { "templateName": "care" } } }';
const TRIAGE =
  '{ "createWorkQueueItem": { "queue": "triage", "planId": { "var": "info.planId" }, "priority": 5 } }';
const rule = (when: string, on = '"inbound": "scheduling.slotBooked"'): string =>
  lines(
    "{",
    '  "id": "reminder",',
    `  "on": { ${on} },`,
    `  "when": ${when},`,
    `  "actions": [${on.includes('"event"') ? TRIAGE : ASSIGN}]`,
    "}",
  );

describe("switchboard rules validate", () => {
  const work = fixtureDir();
  afterAll(() => work.remove());

  /** Validates the example definition with one more file, as the user would: by directory. */
  async function validateWith(name: string, text: string) {
    const dir = `case-${name.replace(/\W+/g, "-")}`;
    work.write(`${dir}/scheduling.slotBooked.inbound.json`, DEFINITION);
    work.write(`${dir}/${name}`, text);
    return runCommand(["rules", "validate", dir], { cwd: work.dir });
  }

  it("accepts the examples, by directory and by file, with a one-line summary", async () => {
    const byDir = await runCommand(["rules", "validate", EXAMPLES_DIR], { cwd: work.dir });
    const examples = exampleCounts();
    expect(examples.files).toBeGreaterThanOrEqual(2);
    expect(byDir).toEqual({
      code: 0,
      stdout: `${examples.files} files checked: ${examples.definitions}, ${examples.rules}: no problems\n`,
      stderr: "",
    });
    const byFile = await runCommand(
      [
        "rules",
        "validate",
        join(EXAMPLES_DIR, "slot-booked-assigns-reminder.rule.json"),
        join(EXAMPLES_DIR, "scheduling.slotBooked.inbound.json"),
      ],
      { cwd: work.dir },
    );
    expect(byFile.code).toBe(0);
  });

  it("accepts a rule on a system event whose paths the event schema has", async () => {
    const result = await validateWith(
      "on-form.rule.json",
      rule('{ "==": [{ "var": "info.formName" }, "Intake"] }', '"event": "formSubmitted"'),
    );
    expect(result.stdout).toContain("no problems");
    expect(result.code).toBe(0);
  });

  const cases: [string, string, string, RegExp][] = [
    [
      "text that is not JSON",
      "broken.rule.json",
      lines("{", '  "id": "x",', '  "on": { "inbound": "scheduling.slotBooked" }', '  "actions": []', "}"),
      /^case-[\w-]+\/broken\.rule\.json:4:3: not JSON: unexpected "\\"" \(is a comma missing before it\?\) \[json\]$/m,
    ],
    [
      "a schema violation",
      "typed.rule.json",
      rule("true").replace('"id": "reminder",', '"id": "reminder", "enabled": "yes",'),
      /\/typed\.rule\.json:2:21: "enabled" must be a boolean, got "yes" \[schema\]$/m,
    ],
    [
      "an unknown operator",
      "operator.rule.json",
      rule('{ "contains": [{ "var": "patientId" }, "x"] }'),
      /\/operator\.rule\.json:4:3: unknown operator "contains" .*allowed operators: .*\[operator\]$/m,
    ],
    [
      "an unsafe var",
      "unsafe.rule.json",
      rule('{ "==": [{ "var": "slot.__proto__.polluted" }, 1] }'),
      /\/unsafe\.rule\.json:4:\d+: unsafe var path "slot\.__proto__\.polluted".*\[unsafe-var\]$/m,
    ],
    [
      "a path the schema lacks",
      "typo.rule.json",
      rule('{ "==": [{ "var": "stauts" }, "booked"] }'),
      /\/typo\.rule\.json:4:\d+: var "stauts" is not in the schema of inbound event "scheduling\.slotBooked" \(did you mean "status"\?\) \[unknown-path\]$/m,
    ],
    [
      "a rule on an undeclared inbound event",
      "cancelled.rule.json",
      rule("true", '"inbound": "scheduling.slotCancelled"'),
      /\/cancelled\.rule\.json:3:\d+: inbound event "scheduling\.slotCancelled" is not declared: no definition file given names it \(declared: "scheduling\.slotBooked"\) \[unknown-trigger\]$/m,
    ],
    [
      "a path a system event lacks",
      "event.rule.json",
      rule('{ "==": [{ "var": "info.formNme" }, "Intake"] }', '"event": "formSubmitted"'),
      /\/event\.rule\.json:4:\d+: var "info\.formNme" is not in the schema of system event "formSubmitted" \(did you mean "info\.formName"\?\) \[unknown-path\]$/m,
    ],
    [
      "a key given twice",
      "twice.rule.json",
      rule("true").replace('  "actions"', '  "when": false,\n  "actions"'),
      /\/twice\.rule\.json:5:3: duplicate key .*\/when is given twice.*\[json\]$/m,
    ],
    [
      "an inbound name with a space",
      "bad.inbound.json",
      lines(
        "{",
        '  "name": "scheduling slot",',
        '  "description": "A slot",',
        '  "schema": { "type": "object" }',
        "}",
      ),
      /\/bad\.inbound\.json:2:3: inbound event name "scheduling slot" is invalid: .*\[name\]$/m,
    ],
    [
      "a payload schema that does not compile",
      "strict.inbound.json",
      lines(
        "{",
        '  "name": "lab.result",',
        '  "description": "A lab result",',
        '  "schema": {',
        '    "type": "object",',
        '    "properties": { "value": { "type": "nubmer" } }',
        "  }",
        "}",
      ),
      /\/strict\.inbound\.json:6:32: the payload schema is not a valid JSON Schema .*properties\/value\/type must be equal to one of the allowed values.*\[schema\]$/m,
    ],
    [
      "a definition without a description",
      "bare.inbound.json",
      lines("{", '  "name": "lab.result",', '  "schema": { "type": "object" }', "}"),
      /\/bare\.inbound\.json:1:1: the definition needs a "description": .*\[schema\]$/m,
    ],
    [
      "a file that is neither",
      "notes.json",
      lines('{ "title": "notes" }'),
      /\/notes\.json:1:1: is neither a rule .* nor an inbound event definition .*\[kind\]$/m,
    ],
  ];

  it.each(cases)("refuses %s with file:line:col and exit 1", async (_what, name, text, expected) => {
    const result = await validateWith(name, text);
    expect(result.stdout).toMatch(expected);
    expect(result.stdout).toMatch(/^1 problem in 1 file \(2 files checked: /m);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
  });

  it("reports every problem of every file at once, sorted by file and line", async () => {
    work.write(
      "many/a.rule.json",
      rule('{ "==": [{ "var": "stauts" }, "booked"] }', '"inbound": "scheduling.slotBooked"'),
    );
    work.write("many/b.rule.json", "{\n  'id': 1\n}\n");
    work.write("many/nested/slot.inbound.json", DEFINITION);
    const result = await runCommand(["rules", "validate", "many", "missing.json"], { cwd: work.dir });
    const printed = result.stdout.trim().split("\n");
    expect(printed[0]).toMatch(/^many\/a\.rule\.json:4:/);
    expect(printed[1]).toMatch(
      /^many\/b\.rule\.json:2:3: not JSON: unexpected "'" \(JSON strings take double quotes\) \[json\]$/,
    );
    expect(printed[2]).toBe("missing.json: cannot read: no such file or directory [file]");
    expect(printed[3]).toBe("3 problems in 3 files (3 files checked: 1 inbound event definition, 1 rule)");
    expect(result.code).toBe(1);
  });

  // The example definition lists the practitioner's fields without closing the object.
  const PRACTITIONER_TYPO =
    /^case-warned-rule-json\/warned\.rule\.json:4:\d+: warning: var "practitioner\.nmae" is not declared in the schema of inbound event "scheduling\.slotBooked" \(did you mean "practitioner\.name"\?\) \[undeclared-path\]$/m;

  it("prints a warning for a field an open object does not declare, and passes", async () => {
    const result = await validateWith("warned.rule.json", rule('{ "!!": { "var": "practitioner.nmae" } }'));
    expect(result.stdout).toMatch(PRACTITIONER_TYPO);
    expect(result.stdout).toMatch(
      /^2 files checked: 1 inbound event definition, 1 rule: no problems, 1 warning$/m,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("fails on warnings with --strict, and says that is why", async () => {
    await validateWith("warned.rule.json", rule('{ "!!": { "var": "practitioner.nmae" } }'));
    const result = await runCommand(["rules", "validate", "--strict", "case-warned-rule-json"], {
      cwd: work.dir,
    });
    expect(result.stdout).toMatch(
      /^case-warned-rule-json\/warned\.rule\.json:4:\d+: warning: var "practitioner\.nmae"/m,
    );
    expect(result.stdout).toMatch(
      /^1 warning in 1 file \(2 files checked: 1 inbound event definition, 1 rule\); --strict counts warnings as problems$/m,
    );
    expect(result.code).toBe(1);
    const declared = await validateWith(
      "declared.rule.json",
      rule('{ "!!": { "var": "practitioner.name" } }'),
    );
    expect(declared.stdout).toBe("2 files checked: 1 inbound event definition, 1 rule: no problems\n");
    const strictClean = await runCommand(["rules", "validate", "--strict", "case-declared-rule-json"], {
      cwd: work.dir,
    });
    expect(strictClean.code).toBe(0);
  });

  it("prints warnings among the problems, in file order", async () => {
    const result = await validateWith(
      "both.rule.json",
      rule('{ "and": [{ "var": "practitioner.nmae" }, { "var": "stauts" }] }'),
    );
    const printed = result.stdout.trim().split("\n");
    expect(printed[0]).toMatch(
      /both\.rule\.json:4:\d+: warning: var "practitioner\.nmae" .*\[undeclared-path\]$/,
    );
    expect(printed[1]).toMatch(/both\.rule\.json:4:\d+: var "stauts" is not in .*\[unknown-path\]$/);
    expect(printed[2]).toBe(
      "1 problem and 1 warning in 1 file (2 files checked: 1 inbound event definition, 1 rule)",
    );
    expect(result.code).toBe(1);
  });

  it("refuses two files that define the same rule", async () => {
    work.write("same/one.rule.json", rule("true"));
    work.write("same/two.rule.json", rule("false"));
    work.write("same/slot.inbound.json", DEFINITION);
    const result = await runCommand(["rules", "validate", "same"], { cwd: work.dir });
    expect(result.stdout).toContain(
      'same/two.rule.json:2:3: rule id "reminder" is also defined in same/one.rule.json [duplicate]',
    );
    expect(result.code).toBe(1);
  });
});
