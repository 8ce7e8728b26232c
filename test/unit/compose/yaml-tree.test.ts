import { describe, expect, it } from "vitest";
import { KilnError } from "../../../src/core/errors.js";
import { OverrideValue, parseComposeYaml, RESET } from "../../../src/core/compose/yaml-tree.js";
import { thrown } from "./memory-io.js";

describe("parseComposeYaml", () => {
  const text = [
    "x-base: &base", // 1
    "  build: ./base", // 2
    "  environment: {A: '1'}", // 3
    "x-build: &b", // 4
    "  context: ./b", // 5
    "services:", // 6
    "  merged:", // 7
    "    <<: *base", // 8
    "    environment: {B: '2'}", // 9
    "  aliased:", // 10
    "    build: *b", // 11
    "  own:", // 12
    "    build: ./own", // 13
    "  both:", // 14
    "    <<: [*base, {image: x, build: ./second}]", // 15
    "    reset: !reset []", // 16
    "    over: !override {k: v}", // 17
  ].join("\n");
  const parsed = parseComposeYaml(text, "/p/compose.yaml");
  const services = parsed.data.services as Record<string, Record<string, unknown>>;

  it("applies merge keys: explicit keys win, the first merged map wins", () => {
    expect(services.merged).toEqual({ build: "./base", environment: { B: "2" } });
    expect(services.both?.build).toBe("./base");
    expect(services.both?.image).toBe("x");
  });

  it("resolves aliases", () => {
    expect(services.aliased).toEqual({ build: { context: "./b" } });
  });

  it("records where each key is written and how it got there", () => {
    expect(parsed.positions.get("services/own/build")).toEqual({ line: 13, column: 5, origin: "own" });
    expect(parsed.positions.get("services/aliased/build")).toEqual({
      line: 11,
      column: 5,
      origin: "anchor-alias",
    });
    expect(parsed.positions.get("services/merged/build")).toEqual({
      line: 2,
      column: 3,
      origin: "merge-key",
    });
    expect(parsed.positions.get("services/merged/environment")).toMatchObject({ line: 9, origin: "own" });
  });

  it("keeps !reset and !override as markers", () => {
    expect(services.both?.reset).toBe(RESET);
    expect(services.both?.over).toEqual(new OverrideValue({ k: "v" }));
    expect(parsed.hasMarkers).toBe(true);
  });

  it("uses the YAML 1.2 core schema, as compose does (yes/no stay strings)", () => {
    const p = parseComposeYaml("a: yes\nb: true\nc: 010\nd: ~\n", "/f.yaml");
    expect(p.data).toEqual({ a: "yes", b: true, c: 10, d: null });
  });

  it("reports malformed YAML with file and line", () => {
    const bad = (): unknown =>
      parseComposeYaml("services:\n  web:\n    image: x\n     ports: []\n", "/p/bad.yaml");
    expect(bad).toThrow(KilnError);
    const e = thrown(bad);
    expect(e.code).toBe("ERR_KILN_COMPOSE_PARSE");
    expect(e.location).toMatch(/^\/p\/bad\.yaml:\d+:\d+$/);
  });

  it("refuses alias bombs", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
      );
    expect(() => parseComposeYaml(lines.join("\n"), "/bomb.yaml")).toThrow(/too many values/);
  });
});

describe("duplicate keys", () => {
  it("are an error, as in compose, with the line of the second one", () => {
    const e = thrown(() => parseComposeYaml("services:\n  a:\n    image: x\n    image: y\n", "/p/dup.yaml"));
    expect(e.code).toBe("ERR_KILN_COMPOSE_PARSE");
    expect(e.location).toMatch(/^\/p\/dup\.yaml:4:/);
  });
});
