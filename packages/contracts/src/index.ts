export { defineContract } from "./contract.js";
export type { Infer } from "./infer.js";
export type {
  CommandSpec,
  Contract,
  CommandName,
  ParamsOf,
  ResultOf,
  CommandRequestOf,
  CommandFunctions,
} from "./contract.js";
export { commandClient } from "./command-client.js";
export type { CommandTransport } from "./command-client.js";
export { CONTRACTS, commandClients } from "./contracts.js";
export type { Commands, ServiceName } from "./contracts.js";
export { NAME, USER_ID, UUID, STATUS, TIMESTAMP, OBJECT, NOTHING } from "./fragments.js";
export { EVENT_TYPES } from "./event-types.js";
export type { EventType } from "./event-types.js";
export { plansContract, createPlanParams } from "./plans.contract.js";
export { formsContract, FORM_ASSIGNMENT_STATUS } from "./forms.contract.js";
export {
  workQueuesContract,
  createItemBody,
  updateItemBody,
  PRIORITY,
  SERVICE_LOCATION,
  ITEM_KEY,
  PROPOSABLE_COMMANDS,
  PROPOSED_CHANGE,
} from "./work-queues.contract.js";
export { tenancyContract, ROLES } from "./tenancy.contract.js";
export { rulesEngineContract } from "./rules-engine.contract.js";
export { webhookBridgeContract } from "./webhook-bridge.contract.js";
export {
  WEBHOOK_HEALTH,
  INBOUND_EVENT_HEALTH,
  NATS_CREDENTIAL_HEALTH,
  ORG_HEALTH,
  HEALTH_PARTS,
  healthFigures,
} from "./integration-health.js";
export type {
  WebhookHealth,
  InboundEventHealth,
  NatsCredentialHealth,
  OrgHealth,
  HealthPart,
  HealthFigures,
  HealthCounts,
} from "./integration-health.js";
