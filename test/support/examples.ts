import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./process.js";

/** The example files content managers start from (examples/rules/), as the tests use them. */
export function loadExample(file: string): any {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "rules", file), "utf8"));
}

export const slotBookedDefinition = () => loadExample("scheduling.slotBooked.inbound.json");
export const reminderRule = () => loadExample("slot-booked-assigns-reminder.rule.json");

export function booking(n: number, patientId = "pat-1", status = "booked") {
  const start = new Date(Date.UTC(2026, 11, 1, 9, 0, 0) + n * 3_600_000).toISOString();
  const end = new Date(Date.UTC(2026, 11, 1, 9, 30, 0) + n * 3_600_000).toISOString();
  return { bookingId: `bk-${n}`, status, patientId, slot: { start, end, location: "Clinic 2" } };
}
