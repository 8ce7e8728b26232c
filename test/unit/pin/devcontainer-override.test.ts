/** kiln's copy of a devcontainer.json for --mode override: pure JSONC edits. */
import { describe, expect, it } from "vitest";
import { parse } from "jsonc-parser";
import {
  dropBakedFeatures,
  generatedConfigPath,
  generatedConfigText,
} from "../../../src/core/pin/devcontainer-override.js";

const user = `// the user's comment
{
\t"name": "Node.js & PostgreSQL",
\t"dockerComposeFile": "docker-compose.yml",
\t"service": "app", // kept
\t"features": { "./local-feature": { "x": 1 }, "ghcr.io/a/b:1": {} },
}
`;

describe("generated devcontainer.json (--mode override)", () => {
  it("lives in .devcontainer/kiln (or kiln-<name> for a named config)", () => {
    expect(generatedConfigPath("/w/.devcontainer/devcontainer.json", "/w")).toBe(
      "/w/.devcontainer/kiln/devcontainer.json",
    );
    expect(generatedConfigPath("/w/.devcontainer.json", "/w")).toBe(
      "/w/.devcontainer/kiln/devcontainer.json",
    );
    expect(generatedConfigPath("/w/.devcontainer/py/devcontainer.json", "/w")).toBe(
      "/w/.devcontainer/kiln-py/devcontainer.json",
    );
  });

  it("lists the user's compose files rebased plus kiln's override, keeps comments, carries the marker", () => {
    const text = generatedConfigText({
      text: user,
      configPath: "/w/.devcontainer/devcontainer.json",
      generatedPath: "/w/.devcontainer/kiln/devcontainer.json",
      overrideFile: "/state/compose.kiln.yml",
    });
    const c = parse(text, [], { allowTrailingComma: true }) as Record<string, unknown>;
    expect(c.dockerComposeFile).toEqual(["../docker-compose.yml", "/state/compose.kiln.yml"]);
    expect(c.name).toBe("Node.js & PostgreSQL (kiln)");
    expect(c["x-kiln-generated"]).toMatchObject({ source: "../devcontainer.json" });
    expect(Object.keys(c.features as object).sort()).toEqual(["../local-feature", "ghcr.io/a/b:1"]);
    expect(text).toContain("// the user's comment");
    expect(text).toContain('"app", // kept');
  });

  it("drops the Features the baked image carries (the #13.1 hook)", () => {
    const one = parse(dropBakedFeatures(user, ["ghcr.io/a/b:1"]), [], { allowTrailingComma: true }) as {
      features: object;
    };
    expect(Object.keys(one.features)).toEqual(["./local-feature"]);
    const none = parse(dropBakedFeatures(user, ["ghcr.io/a/b:1", "./local-feature"]), [], {
      allowTrailingComma: true,
    }) as Record<string, unknown>;
    expect(none.features).toBeUndefined();
    expect(dropBakedFeatures(user, [])).toBe(user);
  });
});

describe("generatedConfigText with several local Features", () => {
  it("rebases each of them (offsets move with every edit)", () => {
    const text =
      '{\n  "dockerComposeFile": "c.yml",\n  "features": {\n    "./f/a": { "m": "x" }, // c\n    "./f/b": {},\n  },\n}\n';
    const out = generatedConfigText({
      text,
      configPath: "/w/.devcontainer/devcontainer.json",
      generatedPath: "/w/.devcontainer/kiln/devcontainer.json",
      overrideFile: "/s/compose.kiln.yml",
    });
    const parsed = parse(out) as { features: Record<string, unknown> };
    expect(parsed.features).toEqual({ "../f/a": { m: "x" }, "../f/b": {} });
  });

  it("drops baked Features and overrideFeatureInstallOrder", () => {
    const text =
      '{\n  "dockerComposeFile": "c.yml",\n  "features": { "./f/a": {}, "./f/b": {} },\n  "overrideFeatureInstallOrder": ["./f/b"]\n}\n';
    const out = generatedConfigText({
      text,
      configPath: "/w/.devcontainer/devcontainer.json",
      generatedPath: "/w/.devcontainer/kiln/devcontainer.json",
      overrideFile: "/s/compose.kiln.yml",
      bakedFeatures: ["./f/a", "./f/b"],
    });
    expect(out).not.toContain("features");
    expect(out).not.toContain("overrideFeatureInstallOrder");
  });
});
