/** A compose build spec with every field at its default, for tests that build models by hand. */
import path from "node:path";
import type { BuildSpec } from "../../src/core/compose/model.js";

export function buildSpec(context: string, overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    context,
    contextIsRemote: false,
    dockerfile: path.join(context, "Dockerfile"),
    args: {},
    labels: {},
    extraHosts: [],
    secrets: [],
    ssh: [],
    additionalContexts: {},
    cacheFrom: [],
    cacheTo: [],
    noCache: false,
    pull: false,
    platforms: [],
    tags: [],
    ...overrides,
  };
}
