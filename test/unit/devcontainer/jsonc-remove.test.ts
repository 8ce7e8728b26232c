import { describe, expect, it } from "vitest";
import { removeTopLevel, restoreTopLevel } from "../../../src/core/devcontainer/jsonc-remove.js";

const configs: Record<string, string> = {
  middle:
    '{\n  "name": "x", // n\n  // the Features\n  "features": {\n    "./a": {},\n  },\n  "remoteUser": "dev"\n}\n',
  last: '{\n\t"name": "x",\n\t"features": { "./a": { "o": 1 } }\n}',
  "last with trailing comma": '{\n\t"name": "x",\n\t"features": {},\n}\n',
  first: '// c\n{\n  "features": {"./a": {}}, /* keep */\n  "name": "x"\n}\n',
  only: '{ "features": {} }',
  "only with trailing comma": '{\n  "features": {},\n}\n',
  crlf: '{\r\n  "name": "x",\r\n  "features": {},\r\n  "service": "app",\r\n}\r\n',
};

describe("removeTopLevel / restoreTopLevel", () => {
  it.each(Object.entries(configs))("%s: removed cleanly and restored byte for byte", (_name, text) => {
    const r = removeTopLevel(text, "features");
    expect(r).toBeDefined();
    expect(r!.text).not.toContain('"features"');
    // the rest still parses, and every other line is kept
    expect(restoreTopLevel(r!.text, r!.removed)).toBe(text);
  });

  it("keeps comments and trailing commas of the other properties", () => {
    const r = removeTopLevel(configs.middle, "features")!;
    expect(r.text).toBe('{\n  "name": "x", // n\n  "remoteUser": "dev"\n}\n');
  });

  it("restores next to its neighbour after later edits elsewhere", () => {
    const r = removeTopLevel(configs.middle, "features")!;
    const edited = r.text.replace('"remoteUser": "dev"', '"remoteUser": "dev",\n  "postCreateCommand": "x"');
    expect(restoreTopLevel(edited, r.removed)).toBe(
      '{\n  "name": "x", // n\n  // the Features\n  "features": {\n    "./a": {},\n  },\n  "remoteUser": "dev",\n  "postCreateCommand": "x"\n}\n',
    );
  });

  it("leaves a file that has the key again alone", () => {
    const r = removeTopLevel(configs.middle, "features")!;
    expect(restoreTopLevel(configs.middle, r.removed)).toBe(configs.middle);
  });

  it("returns undefined when the key is absent", () => {
    expect(removeTopLevel('{"a": 1}', "features")).toBeUndefined();
  });
});
