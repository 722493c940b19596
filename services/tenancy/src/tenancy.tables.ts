import type { Generated } from "kysely";
import type { Int8, Json } from "@switchboard/db";
import type { CredentialAccess } from "@switchboard/nats-auth";
import type { OutboxTables } from "@switchboard/outbox";

/** The tables of the tenancy schema, as its migrations leave them. */
export interface TenancyDB extends OutboxTables {
  orgs: {
    id: string;
    name: string;
    created_at: Generated<Date>;
  };
  api_keys: {
    id: string;
    /** Null for a platform key, which belongs to no org. */
    org_id: string | null;
    name: string;
    roles: Json<string[]>;
    token_hash: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
  nats_credentials: {
    id: string;
    org_id: string;
    name: string;
    access: Json<CredentialAccess[]>;
    public_key: string;
    expires_at: Date | null;
    created_at: Generated<Date>;
    created_by: string;
    revoked_at: Date | null;
    revoked_by: string | null;
  };
  nats_credential_audit: {
    id: Generated<Int8>;
    org_id: string;
    credential_id: string;
    action: "created" | "revoked";
    actor: string;
    at: Generated<Date>;
  };
}
