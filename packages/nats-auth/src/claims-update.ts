import { err, ok, type Result } from "@switchboard/errors";

/** The system subject that takes a new account JWT; a full resolver passes it to its cluster. */
export const CLAIMS_UPDATE_SUBJECT = "$SYS.REQ.CLAIMS.UPDATE";

/** Reads nats-server's answer to a claims update: `{data: {code: 200}}`, or an error with its reason. */
export function parseClaimsUpdateReply(data: Uint8Array): Result<void, string> {
  let reply: { data?: { code?: number; message?: string }; error?: { code?: number; description?: string } };
  try {
    reply = JSON.parse(new TextDecoder().decode(data)) as typeof reply;
  } catch {
    return err("the server's answer to the account update is not JSON");
  }
  if (reply.error !== undefined)
    return err(`the server refused the account update: ${reply.error.description ?? reply.error.code}`);
  if (reply.data?.code !== 200)
    return err(`the server did not confirm the account update: ${JSON.stringify(reply)}`);
  return ok(undefined);
}
