import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SwitchboardError, ErrorCodes } from "@switchboard/errors";
import type { Principal } from "@switchboard/http";
import type { CommandCaller } from "./command-call.js";
import { createKeyAuthenticator } from "./key-authenticator.js";

const VALID = "sbk_valid_key_0123456789abcdef";
const PRINCIPAL: Principal = { keyId: "key_1", orgId: "hrh", roles: ["app"] };
const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Tenancy's answer, as its command gives it, counting the questions; `down` makes it unreachable. */
function tenancy() {
  const state = { asked: 0, down: false, delayMs: 0 };
  const call = (async (_service: string, _command: string, request: { params: unknown }) => {
    state.asked++;
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    if (state.down) throw new SwitchboardError(ErrorCodes.Unavailable, "no responders");
    return (request.params as { tokenHash: string }).tokenHash === hash(VALID) ? PRINCIPAL : null;
  }) as unknown as CommandCaller;
  return { state, call };
}

describe("createKeyAuthenticator", () => {
  it("keeps known keys when a flood of random tokens comes: they have a cache of their own", async () => {
    const { state, call } = tenancy();
    const authenticate = createKeyAuthenticator(call, { maxKeys: 100, maxUnknown: 50 });
    expect(await authenticate(VALID)).toEqual(PRINCIPAL);
    for (let i = 0; i < 12_000; i++) expect(await authenticate(`sbk_random_${i}`)).toBeUndefined();
    const asked = state.asked;
    expect(await authenticate(VALID)).toEqual(PRINCIPAL);
    expect(state.asked).toBe(asked); // answered from the cache: the flood pushed nothing out
  });

  it("asks tenancy once for lookups of one token that arrive together", async () => {
    const { state, call } = tenancy();
    state.delayMs = 50;
    const authenticate = createKeyAuthenticator(call);
    const answers = await Promise.all(Array.from({ length: 20 }, () => authenticate(VALID)));
    expect(answers.every((a) => a?.keyId === "key_1")).toBe(true);
    expect(state.asked).toBe(1);
    const unknown = await Promise.all(Array.from({ length: 20 }, () => authenticate("sbk_nobody")));
    expect(unknown.every((a) => a === undefined)).toBe(true);
    expect(state.asked).toBe(2);
  });

  it("asks again after cacheMs, and answers from a stale entry only while tenancy is unreachable", async () => {
    const { state, call } = tenancy();
    let clock = 0;
    const authenticate = createKeyAuthenticator(call, { cacheMs: 5_000, staleMs: 60_000, now: () => clock });
    await authenticate(VALID);
    clock = 6_000;
    await authenticate(VALID);
    expect(state.asked).toBe(2);
    state.down = true;
    clock = 30_000;
    expect(await authenticate(VALID)).toEqual(PRINCIPAL); // stale but known, tenancy away
    clock = 70_000;
    await expect(authenticate(VALID)).rejects.toMatchObject({ code: "SB_ERR_UNAVAILABLE" });
    await expect(authenticate("sbk_never_seen")).rejects.toMatchObject({ code: "SB_ERR_UNAVAILABLE" });
  });
});
