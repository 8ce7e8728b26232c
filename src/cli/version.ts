/** kiln's version, from its package.json (the bundle sits at the same depth as src/cli) */
import { readFileSync } from "node:fs";

let cached: string | undefined;

export function kilnVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}
