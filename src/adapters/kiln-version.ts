/** kiln's version, from its package.json (dist/<dir>/ and the bundle's dist/bundle/ sit at the same depth) */
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
