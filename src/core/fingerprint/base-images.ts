/**
 * The base images a Dockerfile builds FROM: each FROM's image, expanded with the global ARGs
 * (declared before the first FROM: build args win over their defaults), minus `scratch` and
 * references to earlier stages.
 */
import { DockerfileParser } from "dockerfile-ast";

export function baseImagesOf(
  dockerfile: string,
  buildArgs: Record<string, string | null>,
  platform?: string,
): string[] {
  const parsed = DockerfileParser.parse(dockerfile);
  const scope = new Map<string, string>();
  for (const [name, value] of Object.entries(platformArgs(platform))) scope.set(name, value);
  for (const arg of parsed.getInitialARGs()) {
    const property = arg.getProperty();
    const name = property?.getName();
    if (!name) continue;
    const given = buildArgs[name];
    const fallback = property?.getValue();
    if (given !== undefined && given !== null) scope.set(name, given);
    else if (fallback !== null && fallback !== undefined) scope.set(name, expandVars(fallback, scope));
    else scope.delete(name);
  }
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const from of parsed.getFROMs()) {
    const image = from.getImage();
    const stage = from.getBuildStage();
    if (image) {
      const ref = expandVars(unquote(image), scope);
      if (
        ref !== "" &&
        ref.toLowerCase() !== "scratch" &&
        !stages.has(ref.toLowerCase()) &&
        !bases.includes(ref)
      )
        bases.push(ref);
    }
    if (stage) stages.add(stage.toLowerCase());
  }
  return bases;
}

/** BuildKit's automatic TARGET* args, usable in FROM without a declaration. */
function platformArgs(platform: string | undefined): Record<string, string> {
  if (!platform) return {};
  const [os = "", arch = "", variant = ""] = platform.split("/");
  return { TARGETPLATFORM: platform, TARGETOS: os, TARGETARCH: arch, TARGETVARIANT: variant };
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]) ? s.slice(1, -1) : s;
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
