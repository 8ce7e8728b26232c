/**
 * doctor's state checks against a fake state port (tier 2): what each leftover of an
 * interrupted run is reported as, and that `--fix` clears exactly what it says — an unfinished
 * journal completed, a dead lock removed, orphan builds ended — and never a live lock.
 */
import { describe, expect, it } from "vitest";
import type { StateLeftovers } from "../../../src/adapters/state/leftovers.js";
import type { LockInfo } from "../../../src/adapters/state/lock.js";
import { stateChecks } from "../../../src/app/doctor/checks/state-checks.js";
import type { CheckResult } from "../../../src/core/doctor/check.js";

const STATE = "/kiln-memory/state/projects/0123456789abcdef";
const HOLDER: LockInfo = {
  host: "box",
  pid: 4242,
  bootId: null,
  pidStart: null,
  startedAt: "2026-12-06T08:00:00.000Z",
};

interface Fake {
  leftovers: StateLeftovers;
  /** what the checks asked the port to change */
  done: string[];
}

function fake(found: {
  unwritable?: ReturnType<StateLeftovers["unwritable"]>;
  journal?: string;
  lock?: ReturnType<StateLeftovers["lock"]>;
  orphans?: string[];
}): Fake {
  const done: string[] = [];
  return {
    done,
    leftovers: {
      unwritable: () => found.unwritable,
      journal: () => found.journal,
      completeJournal: () => {
        done.push("complete journal");
        return { found: true, completed: ["/p/compose.yaml", "/s/pins.json"], conflicts: [] };
      },
      lock: () => found.lock,
      removeLock: () => done.push("remove lock"),
      orphans: (end) => {
        if (end && found.orphans?.length) done.push("end orphans");
        return found.orphans ?? [];
      },
    },
  };
}

const byId = (checks: CheckResult[], id: string) => checks.find((c) => c.id === id);

describe("doctor's state checks", () => {
  it("a clean state dir: four ok checks, nothing changed even with --fix", () => {
    const f = fake({});
    const checks = stateChecks(STATE, f.leftovers, true);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["state.dir", "ok"],
      ["state.journal", "ok"],
      ["state.lock", "ok"],
      ["state.orphans", "ok"],
    ]);
    expect(f.done).toEqual([]);
  });

  it("reports an unfinished journal, and --fix completes it", () => {
    const pending = fake({ journal: `${STATE}/journal.json` });
    expect(byId(stateChecks(STATE, pending.leftovers, false), "state.journal")).toMatchObject({
      status: "fail",
      message: `an interrupted kiln change is pending (${STATE}/journal.json)`,
      fixable: true,
    });
    expect(pending.done).toEqual([]);
    const fixed = stateChecks(STATE, pending.leftovers, true);
    expect(byId(fixed, "state.journal")).toMatchObject({
      status: "ok",
      message: "completed an interrupted change (2 file(s))",
    });
    expect(pending.done).toEqual(["complete journal"]);
  });

  it("leaves a live lock alone, even with --fix", () => {
    const f = fake({ lock: { holder: HOLDER, alive: true } });
    expect(byId(stateChecks(STATE, f.leftovers, true), "state.lock")).toMatchObject({
      status: "ok",
      message: "kiln pid 4242 is working on this project now",
    });
    expect(f.done).toEqual([]);
  });

  it("warns on a dead lock with its holder, and --fix removes it", () => {
    const f = fake({ lock: { holder: HOLDER, alive: false } });
    expect(byId(stateChecks(STATE, f.leftovers, false), "state.lock")).toMatchObject({
      status: "warn",
      message: `a lock left by a kiln process that is gone (pid 4242 on box, ${HOLDER.startedAt})`,
    });
    expect(f.done).toEqual([]);
    expect(byId(stateChecks(STATE, f.leftovers, true), "state.lock")?.status).toBe("ok");
    expect(f.done).toEqual(["remove lock"]);
  });

  it("an unreadable lock counts as dead (no holder to name)", () => {
    const f = fake({ lock: { alive: false } });
    expect(byId(stateChecks(STATE, f.leftovers, false), "state.lock")?.message).toBe(
      "a lock left by a kiln process that is gone",
    );
  });

  it("names orphan builds, and --fix ends them", () => {
    const orphans = ["pid 77 (docker buildx build, started 08:00 by kiln pid 4242)"];
    const f = fake({ orphans });
    expect(byId(stateChecks(STATE, f.leftovers, false), "state.orphans")).toMatchObject({
      status: "warn",
      message: `1 build process group(s) left running by a kiln that was killed: ${orphans[0]}`,
    });
    expect(f.done).toEqual([]);
    expect(byId(stateChecks(STATE, f.leftovers, true), "state.orphans")?.message).toContain("ended 1");
    expect(f.done).toEqual(["end orphans"]);
  });

  it("fails on a state dir kiln cannot write: a file in the way, or a read-only filesystem", () => {
    const file = fake({ unwritable: { at: "/kiln-memory/state", reason: "not-a-folder" } });
    expect(byId(stateChecks(STATE, file.leftovers, false), "state.dir")).toMatchObject({
      status: "fail",
      message: `/kiln-memory/state is a file, where kiln's state folder ${STATE} should be`,
    });
    const readOnly = fake({ unwritable: { at: "/kiln-memory", reason: "EROFS" } });
    expect(byId(stateChecks(STATE, readOnly.leftovers, false), "state.dir")).toMatchObject({
      status: "fail",
      message: `kiln cannot write its state folder ${STATE} (EROFS on /kiln-memory)`,
    });
  });
});
