/**
 * doctor's service checks decide on each status's cause, never on its words (#14.3): a status
 * whose reason reads like another case keeps the verdict of its cause.
 */
import { describe, expect, it } from "vitest";
import { serviceChecks } from "../../../src/app/doctor/checks/pin-checks.js";
import type { ServiceStatus } from "../../../src/app/status.js";
import type { StatusCause } from "../../../src/core/plan/status-cause.js";

function status(state: ServiceStatus["state"], cause: StatusCause, reason: string): ServiceStatus {
  return { name: "api", state, image: "kiln.invalid/api:kiln-0123456789ab", fingerprint: "f", cause, reason };
}

describe("doctor's service checks", () => {
  it("warns on a partly pinned service whatever its reason says", () => {
    const [check] = serviceChecks([
      status("unbaked", { code: "partly-pinned", files: ["/p/compose.override.yaml"] }, "reworded"),
    ]);
    expect(check).toMatchObject({ id: "service.api", status: "warn" });
    expect(check?.hint).toContain("kiln bake api");
  });

  it("warns on an override pin the devcontainer does not follow", () => {
    const [check] = serviceChecks([
      status("unbaked", { code: "override-not-followed", problem: "kiln's copy is missing" }, "reworded"),
    ]);
    expect(check).toMatchObject({ status: "warn", hint: "kiln bake --mode override" });
  });

  it("a plain unpinned service is ok even when its reason starts like a partly pinned one", () => {
    const [check] = serviceChecks([
      status("unbaked", { code: "not-pinned", built: false }, "partly pinned: looks like it, is not"),
    ]);
    expect(check).toMatchObject({ status: "ok" });
  });

  it("fails a pin made elsewhere whose image is not here, warns when it is — not by the words", () => {
    const elsewhere = (imagePresent: boolean, reason: string) =>
      status(
        "pinned-elsewhere",
        { code: "pinned-elsewhere", file: "compose.yaml", line: 3, imagePresent },
        reason,
      );
    const [missing, present] = serviceChecks([
      elsewhere(false, "reworded"),
      elsewhere(true, "that image is not on this engine, so compose cannot start it"),
    ]);
    expect(missing).toMatchObject({ status: "fail" });
    expect(present).toMatchObject({ status: "warn" });
  });
});
