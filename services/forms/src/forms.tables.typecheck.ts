import type { Kysely } from "kysely";
import type { FormsDB } from "./forms.tables.js";
import { SCHEMA } from "./migrations.js";

/**
 * Never run: compiled only, to show that the compiler checks queries against the forms tables. Each
 * `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export async function queriesTheCompilerRefuses(db: Kysely<FormsDB>): Promise<void> {
  const forms = db.withSchema(SCHEMA);

  // A column the table does not have.
  // @ts-expect-error form_assignments has no column "patient_id"
  await forms.selectFrom("form_assignments").select("patient_id").execute();

  // A value of the wrong type: is_test is a boolean.
  await forms
    .updateTable("form_assignments")
    // @ts-expect-error is_test takes a boolean, not a string
    .set({ is_test: "yes" })
    .execute();

  await forms
    .insertInto("form_assignments")
    // @ts-expect-error an insert without the required form_name
    .values({
      id: "a",
      org_id: "o",
      plan_id: "p",
      user_id: "u",
      prefill: "{}",
      is_test: false,
      status: "assigned",
    })
    .execute();

  // A status the service never writes.
  // @ts-expect-error status is "assigned" or "submitted"
  await forms.updateTable("form_assignments").set({ status: "archived" }).execute();

  // A table of another service.
  // @ts-expect-error the forms schema has no plans table
  await forms.selectFrom("plans").selectAll().execute();
}
