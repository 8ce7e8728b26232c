/* eslint-disable no-control-regex -- these tests are about ANSI escape sequences */
import { describe, expect, it } from "vitest";
import { colorEnabled, palette, stripAnsi } from "../../../src/report/color.js";
import { createReporter, quietReporter, resolveMode } from "../../../src/report/progress/create-reporter.js";
import { JsonReporter } from "../../../src/report/progress/json-reporter.js";
import { PlainReporter } from "../../../src/report/progress/plain-reporter.js";
import { TtyReporter } from "../../../src/report/progress/tty-reporter.js";
import { FakeStream } from "./fake-stream.js";

describe("createReporter", () => {
  it("auto is tty on a terminal outside CI, plain otherwise", () => {
    expect(resolveMode("auto", new FakeStream(true), {})).toBe("tty");
    expect(resolveMode("auto", new FakeStream(true), { CI: "true" })).toBe("plain");
    expect(resolveMode("auto", new FakeStream(false), {})).toBe("plain");
    expect(resolveMode("auto", { write: () => true }, {})).toBe("plain");
    expect(resolveMode("plain", new FakeStream(true), {})).toBe("plain");
  });

  it("returns the reporter for each mode", () => {
    expect(createReporter("auto", new FakeStream(true), {})).toBeInstanceOf(TtyReporter);
    expect(createReporter("tty", new FakeStream(false), {})).toBeInstanceOf(TtyReporter);
    expect(createReporter("auto", new FakeStream(false), {})).toBeInstanceOf(PlainReporter);
    expect(createReporter("json", new FakeStream(true), {})).toBeInstanceOf(JsonReporter);
    expect(createReporter("quiet", new FakeStream(true), {})).toBe(quietReporter);
  });

  it("quiet writes nothing", () => {
    const out = new FakeStream(true);
    const r = createReporter("quiet", out, {});
    r.start(["a"]);
    r.serviceStarted("a");
    r.event("a", { type: "log", id: "x", line: "hello" });
    r.serviceFinished({
      service: "a",
      image: "",
      action: "built",
      reason: "",
      durationMs: 1,
      steps: { total: 0, cached: 0 },
    });
    r.close();
    expect(out.chunks).toEqual([]);
  });

  it("the tty reporter paints unless NO_COLOR is set", () => {
    const colored = new FakeStream(true);
    const r1 = createReporter("tty", colored, {});
    r1.start(["a"]);
    r1.close();
    expect(colored.text()).toMatch(/\u001b\[1m/);
    const plain = new FakeStream(true);
    const r2 = createReporter("tty", plain, { NO_COLOR: "1" });
    r2.start(["a"]);
    r2.close();
    expect(plain.text()).not.toMatch(/\u001b\[1m/);
  });
});

describe("colour", () => {
  it("follows NO_COLOR, FORCE_COLOR and the terminal", () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    // an empty NO_COLOR does not count (no-color.org)
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("palette paints or passes through; stripAnsi removes it", () => {
    expect(palette(false).red("x")).toBe("x");
    expect(palette(true).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(stripAnsi(palette(true).bold(palette(true).green("ok")))).toBe("ok");
  });
});
