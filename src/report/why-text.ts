/** `kiln why` in words: per service, what changed and which step misses first. */
import type { ServiceWhy, WhyReport } from "../core/why/why-report.js";
import type { InputDiff } from "../core/why/input-diff.js";

/** past this many paths a list is grouped by folder */
const SCREENFUL = 20;

export function formatWhy(report: WhyReport): string {
  const lines = [`project ${report.project}:`];
  for (const s of report.services) lines.push(...serviceLines(s));
  if (report.services.length === 0) lines.push("  no buildable services");
  return lines.join("\n");
}

function serviceLines(s: ServiceWhy): string[] {
  return [...stateLines(s), ...registryLines(s), ...suggestionLines(s)];
}

function registryLines(s: ServiceWhy): string[] {
  const r = s.registry;
  if (!r) return [];
  const head = `    registry ${r.name}:`;
  if (r.error) return [`${head} not asked (${r.error})`];
  if (r.current) return [`${head} holds the current fingerprint (${r.tag ?? ""})`];
  if (!r.tag) return [`${head} holds no image for ${s.service}`];
  if (!r.fingerprint) return [`${head} ${r.tag} carries no kiln fingerprint`];
  const own = `kiln-${r.fingerprint.slice(0, 12)}`;
  const out = [
    r.tag === own
      ? `${head} closest it holds is ${own}, not kiln-${s.fingerprint.slice(0, 12)}`
      : `${head} has fingerprint ${own} (${r.tag}), not kiln-${s.fingerprint.slice(0, 12)}`,
  ];
  if (!r.changes) out.push("      (kiln's history has no manifest for it: what differs is unknown here)");
  else out.push(...diffLines(r.changes).map((l) => `      ${l}`));
  return out;
}

function suggestionLines(s: ServiceWhy): string[] {
  if (!s.suggestions?.length) return [];
  return [
    "    the build reads the whole context; these files change often and the image does not need them —",
    "    add to the context's .dockerignore:",
    ...s.suggestions.map((x) => `      ${x.line.padEnd(32)}  # ${x.why}`),
  ];
}

function stateLines(s: ServiceWhy): string[] {
  const head = `  ${s.service}:`;
  if (s.state === "fresh")
    return [`${head} fresh — an image for the current inputs exists; nothing will run`];
  if (s.state === "no-previous")
    return [`${head} no previous manifest — kiln has no record of an earlier build to compare with`];
  const out = [
    `${head} stale (compared with the ${s.previous?.from === "pin" ? "pinned image" : "last build"}, kiln-${s.previous?.fingerprint.slice(0, 12)})`,
  ];
  if (s.changes) out.push(...diffLines(s.changes).map((l) => `    ${l}`));
  if (s.miss?.first) {
    const f = s.miss.first;
    out.push(
      `    first cache miss: line ${f.line} \`${f.instruction}\` (stage ${f.stage}): ${f.because}`,
      `    ${s.miss.willRun} of ${s.miss.steps} steps will run again`,
    );
  } else if (s.miss) {
    out.push(
      `    no step will run again (the change does not reach a build step; only the image metadata changes)`,
    );
  }
  if (s.reads && s.reads.whole.length > 0)
    out.push(`    fingerprints the whole context: ${s.reads.whole[0]}`);
  return out;
}

export function diffLines(d: InputDiff): string[] {
  const out: string[] = [];
  const files = (verb: string, paths: string[]): void => {
    if (paths.length > 0) out.push(`files ${verb}: ${pathList(paths)}`);
  };
  files("changed", d.files.changed);
  files("added", d.files.added);
  files("removed", d.files.removed);
  if (d.dockerfile) {
    if (!d.dockerfile.lines) out.push("Dockerfile changed (the earlier text was not recorded)");
    else for (const l of d.dockerfile.lines) out.push(`Dockerfile ${l.op}${l.line}: ${l.text}`);
  }
  for (const a of d.args) out.push(`build arg ${a.name}: ${value(a.before)} → ${value(a.after)}`);
  if (d.target) out.push(`target: ${value(d.target.before)} → ${value(d.target.after)}`);
  if (d.platforms)
    out.push(`platforms: ${d.platforms.before?.join(",") || "-"} → ${d.platforms.after?.join(",") || "-"}`);
  for (const c of d.additionalContexts)
    out.push(`additional context ${c.name}: ${value(c.before)} → ${value(c.after)}`);
  for (const b of d.baseImages) out.push(`base image ${b.ref}: ${id(b.before)} → ${id(b.after)}`);
  for (const s of d.services) {
    out.push(
      `built FROM service ${s.service}: kiln-${s.before?.slice(0, 12) ?? "-"} → kiln-${s.after?.slice(0, 12) ?? "-"}`,
    );
  }
  if (d.labels) out.push("build labels changed");
  return out;
}

/** the paths, or past a screenful the folders with their counts */
function pathList(paths: string[]): string {
  if (paths.length <= SCREENFUL) return paths.join(", ");
  const byFolder = new Map<string, number>();
  for (const p of paths) {
    const slash = p.lastIndexOf("/");
    const folder = slash < 0 ? "." : p.slice(0, slash);
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
  }
  return `${paths.length} files in ${[...byFolder].map(([f, n]) => `${f}/ (${n})`).join(", ")}`;
}

function value(v: string | null | undefined): string {
  return v === undefined ? "(absent)" : v === null ? "(unset)" : JSON.stringify(v);
}

function id(v: string | null | undefined): string {
  return v === undefined
    ? "(absent)"
    : v === null
      ? "(not on the engine)"
      : v.replace(/^sha256:/, "").slice(0, 12);
}
