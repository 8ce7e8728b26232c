/** Registry locations and the names kiln gives baked images there. */
import { describe, expect, it } from "vitest";
import {
  chooseRegistry,
  parseRegistry,
  registryLatestRef,
  registryRef,
} from "../../../src/core/registry/registry-ref.js";

const fp = "abcdef0123456789".repeat(4);

describe("parseRegistry", () => {
  it("splits host and prefix; loopback hosts talk plain http", () => {
    expect(parseRegistry("127.0.0.1:5000/team/app")).toEqual({
      host: "127.0.0.1:5000",
      prefix: "team/app",
      insecure: true,
    });
    expect(parseRegistry("registry.example.com/team/")).toEqual({
      host: "registry.example.com",
      prefix: "team",
      insecure: false,
    });
    expect(parseRegistry("localhost:5000").insecure).toBe(true);
    expect(parseRegistry("http://reg.lan:5000/x")).toEqual({
      host: "reg.lan:5000",
      prefix: "x",
      insecure: true,
    });
  });

  it("refuses what is not a registry location, with a hint", () => {
    expect(() => parseRegistry("team/app")).toThrow(/not a registry host/);
    expect(() => parseRegistry("reg.example.com/Team")).toThrow(/not a valid repository path component/);
    expect(() => parseRegistry("reg.example.com/a b")).toThrow(
      expect.objectContaining({ code: "ERR_KILN_USAGE" }),
    );
  });
});

describe("registry names", () => {
  const loc = parseRegistry("127.0.0.1:5000/team/app");
  it("names the service's repository by service, tagged by fingerprint prefix", () => {
    expect(registryRef(loc, "api", fp)).toBe("127.0.0.1:5000/team/app/api:kiln-abcdef012345");
    expect(registryLatestRef(loc, "Web_UI")).toBe("127.0.0.1:5000/team/app/web_ui:kiln-latest");
    expect(registryRef(parseRegistry("reg.example.com"), "api", fp)).toBe(
      "reg.example.com/api:kiln-abcdef012345",
    );
  });
});

describe("chooseRegistry", () => {
  const ext = { "x-kiln": { registry: "reg.example.com/from-compose" } };
  it("prefers --registry, then KILN_REGISTRY, then x-kiln.registry", () => {
    expect(chooseRegistry("a.example.com/x", { KILN_REGISTRY: "b.example.com/y" }, ext)?.host).toBe(
      "a.example.com",
    );
    expect(chooseRegistry(undefined, { KILN_REGISTRY: "b.example.com/y" }, ext)?.host).toBe("b.example.com");
    expect(chooseRegistry(undefined, {}, ext)?.prefix).toBe("from-compose");
    expect(chooseRegistry(undefined, {}, {})).toBeUndefined();
    expect(chooseRegistry(undefined, { KILN_REGISTRY: "" }, {})).toBeUndefined();
  });
});
