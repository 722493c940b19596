import { accessCases } from "./hostile-access.js";
import { bodyCases, type AimedCase } from "./hostile-bodies.js";
import { fieldCases } from "./hostile-fields.js";
import type { HostileRequest } from "./hostile-http.js";
import { logicCases } from "./hostile-logic.js";
import { transportCases } from "./hostile-transport.js";

export type HostileCase = AimedCase<HostileRequest>;

/** The whole corpus; each entry is one request. */
export const HOSTILE_CORPUS: readonly HostileCase[] = [
  ...bodyCases(),
  ...fieldCases(),
  ...logicCases(),
  ...transportCases(),
  ...accessCases(),
];

/** How many requests each category holds, for the report. */
export function countsByCategory(cases: readonly HostileCase[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of cases) counts[c.category] = (counts[c.category] ?? 0) + 1;
  return counts;
}
