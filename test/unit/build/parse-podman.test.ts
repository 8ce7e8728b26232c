import { describe, expect, it } from "vitest";
import { PodmanProgressParser } from "../../../src/core/build/parse-podman.js";
import { StepCounter, type BuildEvent } from "../../../src/core/build/events.js";

// recorded from `podman build --layers` (Podman 4.3.1, Debian bookworm) on this machine
const FIRST = `STEP 1/5: FROM kiln-local/busybox:latest
STEP 2/5: ARG BUMP=0
--> d13c2446d1d
STEP 3/5: RUN --mount=type=cache,id=kiln-engines-counter,target=/cache,sharing=locked     n=$(cat /cache/n 2>/dev/null || echo 0); echo $((n + 1)) > /cache/n; cp /cache/n /count
--> f0a111e3526
STEP 4/5: COPY hello.txt /hello.txt
--> b6ac91a5117
STEP 5/5: LABEL "kiln.test.run"="probe"
COMMIT kiln-probe-counter:1
--> e352fb8d9fd
Successfully tagged localhost/kiln-probe-counter:1
e352fb8d9fdf2b44296c1928e9567624092918b74b1e383185f2859d915c9541`;

const SECOND = `STEP 1/5: FROM kiln-local/busybox:latest
STEP 2/5: ARG BUMP=0
--> Using cache d13c2446d1d7146be59dc01f06c71ff440eb0945a86716404e10e842cc57db2c
--> d13c2446d1d
STEP 3/5: RUN --mount=type=cache,id=kiln-engines-counter,target=/cache,sharing=locked     n=$(cat /cache/n 2>/dev/null || echo 0); echo $((n + 1)) > /cache/n; cp /cache/n /count
--> Using cache f0a111e35265ca6e825febc6df18bc56c6a34389aecc2b8493aaa450e1bc472b
--> f0a111e3526
STEP 4/5: COPY hello.txt /hello.txt
--> Using cache b6ac91a5117d25b2a06b0fe410a22ba4d4c8538106b7222b4d55ad30ab0d17ae
--> b6ac91a5117
STEP 5/5: LABEL "kiln.test.run"="probe"
--> Using cache e352fb8d9fdf2b44296c1928e9567624092918b74b1e383185f2859d915c9541
COMMIT kiln-probe-counter:1
--> e352fb8d9fd
Successfully tagged localhost/kiln-probe-counter:1
e352fb8d9fdf2b44296c1928e9567624092918b74b1e383185f2859d915c9541`;

const FAILING = `[1/2] STEP 1/2: FROM kiln-local/busybox:latest AS a
[1/2] STEP 2/2: RUN echo hi
hi
--> 4d100dea999
[2/2] STEP 1/2: FROM 4d100dea99907fbdda6907abd16092f82fb7b1df16929c1f09449ba131cc65fa
[2/2] STEP 2/2: RUN false
Error: building at STEP "RUN false": while running runtime: exit status 1`;

function parse(text: string): BuildEvent[] {
  let t = 0;
  const p = new PodmanProgressParser(() => (t += 100));
  return [...text.split("\n").flatMap((l) => p.push(l)), ...p.end()];
}

function tally(events: BuildEvent[]): ReturnType<StepCounter["tally"]> {
  const c = new StepCounter();
  events.forEach((e) => c.add(e));
  return c.tally();
}

describe("PodmanProgressParser", () => {
  it("a first build: RUN and COPY executed (ARG, LABEL, FROM are not steps), output lines are logs", () => {
    const events = parse(FIRST);
    const steps = events.filter((e) => e.type === "step");
    expect(steps.map((s) => [s.name.slice(0, 12), s.state])).toEqual([
      ["[3/5] RUN --", "started"],
      ["[3/5] RUN --", "done"],
      ["[4/5] COPY h", "started"],
      ["[4/5] COPY h", "done"],
    ]);
    expect(steps[1]).toMatchObject({ durationMs: 100 });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "log", line: "Successfully tagged localhost/kiln-probe-counter:1" }),
    );
  });

  it("`--> Using cache` marks the step cached", () => {
    const steps = parse(SECOND).filter((e) => e.type === "step" && e.state !== "started");
    expect(steps.map((s) => (s.type === "step" ? s.state : ""))).toEqual(["cached", "cached"]);
  });

  it("multi-stage prefixes become stage names; a failure names its step", () => {
    const events = parse(FAILING);
    const names = events.flatMap((e) => (e.type === "step" ? [`${e.name} ${e.state}`] : []));
    expect(names).toEqual([
      "[stage-0 2/2] RUN echo hi started",
      "[stage-0 2/2] RUN echo hi done",
      "[stage-1 2/2] RUN false started",
      "[stage-1 2/2] RUN false error",
    ]);
    expect(events.find((e) => e.type === "step" && e.state === "error")).toMatchObject({
      error: "while running runtime: exit status 1",
    });
    expect(tally(events)).toMatchObject({ failed: 1 });
  });
});
