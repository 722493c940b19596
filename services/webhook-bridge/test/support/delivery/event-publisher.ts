import { connectBus, jetstream, publish, type NatsConnection } from "@switchboard/bus";
import { buildEvent, eventSubject, type EventEnvelope } from "@switchboard/events";
import type { Logger } from "@switchboard/logger";

export interface EventPublisher {
  /** Publishes a system event of the org, as a domain service's outbox relay would. */
  publish(
    orgId: string,
    eventType: string,
    info: Record<string, unknown>,
  ): Promise<EventEnvelope & { seq: number }>;
  close(): Promise<void>;
}

/** A connection of its own, like a domain service's: what it publishes reaches EVENTS and nothing else. */
export async function eventPublisher(options: {
  natsUrl: string;
  namespace: string;
  eventsStream: string;
  logger: Logger;
}): Promise<EventPublisher> {
  const nc: NatsConnection = await connectBus({
    servers: options.natsUrl,
    name: "event-publisher",
    logger: options.logger,
  });
  const js = jetstream(nc);
  return {
    async publish(orgId, eventType, info) {
      const event = buildEvent({
        namespace: options.namespace,
        orgId,
        eventType,
        requestedBy: "test-user",
        branch: "master",
        info,
      });
      const receipt = await publish(js, eventSubject(options.namespace, orgId, eventType), event, {
        msgId: event.messageId,
        expectStream: options.eventsStream,
      });
      return { ...event, seq: receipt.seq };
    },
    close: () => nc.drain(),
  };
}

/** A formSubmitted info; `n` makes each one different. */
export const formSubmittedInfo = (n: number, formName = "Referral"): Record<string, unknown> => ({
  planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
  formName,
  formAssignmentId: "5d0c7b0e-6c39-4a55-9bd4-7f6f6a0d2f10",
  data: { n, patientName: `patient ${n}` },
  isTest: false,
});

export const planCreatedInfo = (n: number): Record<string, unknown> => ({
  planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
  templateName: "maternity-care",
  userId: `user-${n}`,
  isTest: false,
  roleAssignments: [],
});
