/**
 * The base images a Dockerfile builds FROM: each FROM's image, expanded with the global ARGs
 * (declared before the first FROM: build args win over their defaults), minus `scratch` and
 * references to earlier stages.
 */
import { argDeclarations, parseInstructions, unquote } from "./dockerfile-instructions.js";

export function baseImagesOf(
  dockerfile: string,
  buildArgs: Record<string, string | null>,
  platform?: string,
): string[] {
  const scope = new Map<string, string>(Object.entries(platformArgs(platform)));
  const stages = new Set<string>();
  const bases: string[] = [];
  let seenFrom = false;
  for (const { keyword, args } of parseInstructions(dockerfile)) {
    if (keyword === "ARG" && !seenFrom) {
      for (const { name, value } of argDeclarations(args)) {
        const given = buildArgs[name];
        if (given !== undefined && given !== null) scope.set(name, given);
        else if (value !== undefined) scope.set(name, expandVars(value, scope));
        else scope.delete(name);
      }
    }
    if (keyword !== "FROM") continue;
    seenFrom = true;
    const words = args.split(/\s+/).filter((w) => w !== "" && !w.startsWith("--"));
    const image = words[0];
    if (image) {
      const ref = expandVars(unquote(image), scope);
      const lower = ref.toLowerCase();
      if (ref !== "" && lower !== "scratch" && !stages.has(lower) && !bases.includes(ref)) bases.push(ref);
    }
    if (words.length >= 3 && words[1].toLowerCase() === "as") stages.add(words[2].toLowerCase());
  }
  return bases;
}

/** BuildKit's automatic TARGET* args, usable in FROM without a declaration. */
function platformArgs(platform: string | undefined): Record<string, string> {
  if (!platform) return {};
  const [os = "", arch = "", variant = ""] = platform.split("/");
  return { TARGETPLATFORM: platform, TARGETOS: os, TARGETARCH: arch, TARGETVARIANT: variant };
}

/** `$X`, `${X}`, `${X:-word}`, `${X-word}`, `${X:+word}`, `${X+word}` as the Dockerfile shell lexer expands them. */
export function expandVars(text: string, scope: ReadonlyMap<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length && text[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    if (ch !== "$") {
      out += ch;
      continue;
    }
    if (text[i + 1] === "{") {
      const end = closingBrace(text, i + 2);
      if (end < 0) return out + text.slice(i);
      out += expandBraced(text.slice(i + 2, end), scope);
      i = end;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
    if (!name) {
      out += ch;
      continue;
    }
    out += scope.get(name) ?? "";
    i += name.length;
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === "{") depth++;
    else if (text[j] === "}" && --depth === 0) return j;
  }
  return -1;
}

function expandBraced(body: string, scope: ReadonlyMap<string, string>): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-+])?([\s\S]*)$/.exec(body);
  if (!m) return "";
  const [, name = "", op, word = ""] = m;
  const value = scope.get(name);
  switch (op) {
    case ":-":
      return value ? value : expandVars(word, scope);
    case "-":
      return value !== undefined ? value : expandVars(word, scope);
    case ":+":
      return value ? expandVars(word, scope) : "";
    case "+":
      return value !== undefined ? expandVars(word, scope) : "";
    default:
      return value ?? "";
  }
}
