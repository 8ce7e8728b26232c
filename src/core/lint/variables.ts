/**
 * Build-time variable expansion as the Dockerfile frontend does it for ARG/ENV values, mount
 * options and USER: `$X`, `${X}`, `${X:-default}`, `${X-default}`, `${X:+alt}`, `${X+alt}`.
 * Unknown variables expand to "" like BuildKit, except where `keepUnknown` asks to keep them.
 */
export type Scope = ReadonlyMap<string, string>;

const REF = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function expand(value: string, scope: Scope, keepUnknown = false): string {
  if (!value.includes("$")) return value;
  return value.replace(
    REF,
    (
      whole,
      braced: string | undefined,
      op: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const name = (braced ?? bare)!;
      const v = scope.get(name);
      if (op === undefined) return v ?? (keepUnknown ? whole : "");
      const set = op.startsWith(":") ? v !== undefined && v !== "" : v !== undefined;
      if (op.endsWith("-")) return set ? v! : expand(word ?? "", scope, keepUnknown);
      return set ? expand(word ?? "", scope, keepUnknown) : "";
    },
  );
}
