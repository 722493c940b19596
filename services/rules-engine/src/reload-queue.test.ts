import { describe, expect, it } from "vitest";
import { createLogger } from "@switchboard/logger";
import { ReloadQueue } from "./reload-queue.js";

const logger = createLogger({ level: "silent" });

/** A reload that finishes only when the test lets it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("ReloadQueue", () => {
  it("runs one reload at a time and merges requests that arrive meanwhile", async () => {
    const calls: string[] = [];
    const first = gate();
    const queue = new ReloadQueue(
      async (org) => {
        calls.push(org);
        if (calls.length === 1) await first.opened;
      },
      async () => void calls.push("*"),
      logger,
    );
    queue.org("a");
    queue.org("b");
    queue.org("b");
    queue.org("a");
    first.open();
    await queue.idle();
    expect(calls).toEqual(["a", "b", "a"]);
  });

  it("lets a full reload stand for every org queued before it starts", async () => {
    const calls: string[] = [];
    const first = gate();
    const queue = new ReloadQueue(
      async (org) => {
        calls.push(org);
        if (calls.length === 1) await first.opened;
      },
      async () => void calls.push("*"),
      logger,
    );
    queue.org("a");
    queue.org("b");
    queue.all();
    queue.org("c");
    first.open();
    await queue.idle();
    expect(calls).toEqual(["a", "*"]);
    queue.org("d");
    await queue.idle();
    expect(calls).toEqual(["a", "*", "d"]);
  });

  it("keeps going after a failed reload", async () => {
    const calls: string[] = [];
    const queue = new ReloadQueue(
      async (org) => {
        calls.push(org);
        if (org === "bad") throw new Error("database gone");
      },
      async () => {},
      logger,
    );
    queue.org("bad");
    queue.org("good");
    await queue.idle();
    expect(calls).toEqual(["bad", "good"]);
  });
});
