import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/process.js";

/** The body of the README's walk-through request that creates the plan template. */
async function walkThroughTemplate(): Promise<{ name: string; forms: string[] }> {
  const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
  const request = /\/v1\/orgs\/hrh\/plan-templates[^\n]*\n\s*-d '([^']+)'/.exec(readme);
  if (request === null) throw new Error("the README's walk-through creates no plan template");
  return JSON.parse(request[1]!) as { name: string; forms: string[] };
}

/** Every `{ formName, plan: { templateName } }` an example rule's actions name. */
function formsOnTemplates(value: unknown, found: { formName: string; templateName: string }[] = []) {
  if (Array.isArray(value)) for (const item of value) formsOnTemplates(item, found);
  else if (typeof value === "object" && value !== null) {
    const { formName, plan } = value as { formName?: unknown; plan?: { templateName?: unknown } };
    if (typeof formName === "string" && typeof plan?.templateName === "string")
      found.push({ formName, templateName: plan.templateName });
    for (const child of Object.values(value)) formsOnTemplates(child, found);
  }
  return found;
}

describe("the README's walk-through and the example rules", () => {
  it("creates a plan template with every form the example rules assign on it", async () => {
    const template = await walkThroughTemplate();
    const dir = path.join(ROOT, "examples/rules");
    const assigned = [];
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".rule.json")))
      assigned.push(...formsOnTemplates(JSON.parse(await readFile(path.join(dir, file), "utf8"))));
    const onTemplate = assigned.filter((a) => a.templateName === template.name).map((a) => a.formName);
    // The reminder rule the walk-through activates is among them; forms refuses a form its template lacks.
    expect(onTemplate).toContain("AppointmentReminder");
    for (const formName of onTemplate) expect(template.forms).toContain(formName);
  });
});
