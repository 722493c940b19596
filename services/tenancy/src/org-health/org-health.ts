import type { Commands, HealthPart, NatsCredentialHealth, OrgHealth } from "@switchboard/contracts";
import type { Logger } from "@switchboard/logger";

/** Where each part of an org's health comes from. */
export interface HealthSources {
  commands: Pick<Commands, "webhook-bridge" | "rules-engine">;
  /** Tenancy's own: the org's NATS credentials. */
  credentials(orgId: string): Promise<NatsCredentialHealth[]>;
  logger: Logger;
}

/**
 * An org's health, from the services that own each part, asked side by side: the webhook bridge
 * and the rules engine through their commands (in-process in all-in-one, over NATS otherwise),
 * tenancy's own credentials directly. A part whose service does not answer is empty and named in
 * `unavailable`: the other parts still show.
 */
export async function orgHealth(sources: HealthSources, orgId: string): Promise<OrgHealth> {
  const request = { orgId, params: {} };
  const unavailable: HealthPart[] = [];
  const part = async <T>(name: HealthPart, ask: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await ask();
    } catch (error) {
      sources.logger.warn(
        { err: error, org: orgId, part: name },
        "a part of the org's health did not answer",
      );
      unavailable.push(name);
      return [];
    }
  };
  const [webhooks, inboundEvents, natsCredentials] = await Promise.all([
    part("webhooks", async () => (await sources.commands["webhook-bridge"].webhookHealth(request)).webhooks),
    part(
      "inboundEvents",
      async () => (await sources.commands["rules-engine"].inboundHealth(request)).inboundEvents,
    ),
    part("natsCredentials", () => sources.credentials(orgId)),
  ]);
  return { webhooks, inboundEvents, natsCredentials, unavailable: unavailable.sort() };
}
