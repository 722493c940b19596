export { createTrustChain, publicKeyOf, systemUserCreds, APP_ACCOUNT_NAME } from "./trust-chain.js";
export type { TrustChain } from "./trust-chain.js";
export { accountSigner, applicationAccountJwt, operatorJwt, systemAccountJwt } from "./account-claims.js";
export type { AccountSigner, Revocations } from "./account-claims.js";
export { issueUser, credsClaims } from "./user-credentials.js";
export type { IssuedUser, UserIssuer, UserPermissions, UserSpec } from "./user-credentials.js";
export {
  SERVICE_NAMES,
  CREDENTIAL_ACCESS,
  credentialInboxPrefix,
  credentialPermissions,
  serviceInboxPrefix,
  servicePermissions,
} from "./permissions.js";
export type { CredentialAccess, CredentialScope, ServiceName } from "./permissions.js";
export { serverAuth, serverAuthConfig } from "./server-config.js";
export type { ServerAuth, ServerAuthOptions } from "./server-config.js";
export { issuerOf, parseIssuer } from "./issuer.js";
export type { Issuer } from "./issuer.js";
export { CLAIMS_UPDATE_SUBJECT, parseClaimsUpdateReply } from "./claims-update.js";
export { connectionEventSubjects, parseConnectionEvent } from "./connection-events.js";
export type { ConnectionEvent } from "./connection-events.js";
