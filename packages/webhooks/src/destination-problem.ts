/** Why a webhook URL may not be called. The HTTP edge turns it into a 422; delivery into "refused". */
export type DestinationProblem = {
  code: "scheme" | "credentials" | "private-address" | "unresolvable" | "invalid-url";
  message: string;
};

export const ALLOWLIST_VARIABLE = "SWITCHBOARD_WEBHOOK_ALLOWLIST";
