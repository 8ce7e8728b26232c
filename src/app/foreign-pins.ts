/**
 * Pins this folder has no record of (#12.3): a copied, renamed or cloned folder whose compose
 * file kiln pinned elsewhere. For each file: which services it pins, and where their original
 * text can come from — kiln's records of the folder the pins were made in (a copy or the old
 * name of this one), or the newest committed version of the file that still has their build:.
 */
import {
  findForeignPins,
  pinnedElsewhereError,
  unpinWithOriginal,
  unpinWithRecords,
  type ForeignPin,
} from "../core/pin/foreign-pins.js";
import type { FileChange } from "../adapters/state/journal.js";
import { commitProjectFiles } from "./pin-project.js";
import type { OpenedProject } from "./open-project.js";
import type { Ports } from "./ports.js";

export interface ForeignFile {
  /** the file as the model names it, and the path kiln writes (symlinks resolved) */
  file: string;
  target: string;
  pins: ForeignPin[];
  current: string;
  /** the file with these pins undone from kiln's records of `origin` (another folder's file) */
  fromRecords?: { text: string; origin: string };
  /** the file with these pins undone from the newest commit that has their build: */
  fromGit?: { text: string; commit: string };
}

/** `ports`: other folders' records (state) and the file's git history (project) */
export function examineForeignPins(
  project: OpenedProject,
  env: Record<string, string | undefined>,
  ports: Pick<Ports, "state" | "project">,
  options: { services?: readonly string[]; git?: boolean } = {},
): ForeignFile[] {
  const wanted = options.services ?? [];
  const pins = findForeignPins(project.model).filter(
    (p) => wanted.length === 0 || wanted.includes(p.service),
  );
  const byFile = new Map<string, ForeignPin[]>();
  for (const p of pins) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const out: ForeignFile[] = [];
  for (const [file, list] of byFile) {
    const target = project.targets.get(file) ?? file;
    const current = project.files.read(target);
    const entry: ForeignFile = { file, target, pins: list, current };
    for (const other of ports.state.recordsElsewhere(target, list, { env, ownStateDir: project.stateDir })) {
      const text = unpinWithRecords(current, other.records, file);
      if (text !== null) {
        entry.fromRecords = { text, origin: other.file };
        break;
      }
    }
    if (options.git !== false) {
      for (const version of ports.project.committedVersions(target)) {
        const text = unpinWithOriginal(current, version.text, list, file);
        if (text !== null) {
          entry.fromGit = { text, commit: version.commit };
          break;
        }
      }
    }
    out.push(entry);
  }
  return out;
}

/** the command that undoes a file's foreign pins, for status and doctor */
export function foreignFix(f: ForeignFile): { command: string; why: string } | undefined {
  if (f.fromRecords) {
    return { command: "kiln restore", why: `kiln's records of ${f.fromRecords.origin} were found` };
  }
  if (f.fromGit) {
    return {
      command: "kiln restore --from-git",
      why: `commit ${f.fromGit.commit.slice(0, 12)} has the build: section`,
    };
  }
  return undefined;
}

/** the file with its foreign pins undone: `--from-git` prefers git, else kiln's records only */
function restoredText(f: ForeignFile, fromGit: boolean): string | undefined {
  return fromGit ? (f.fromGit?.text ?? f.fromRecords?.text) : f.fromRecords?.text;
}

/** Throws ERR_KILN_PINNED_ELSEWHERE, with what to type, for a file kiln cannot restore. */
export function assertForeignRestorable(
  project: OpenedProject,
  files: readonly ForeignFile[],
  options: { fromGit?: boolean },
): void {
  for (const f of files) {
    if (restoredText(f, options.fromGit === true) !== undefined) continue;
    throw pinnedElsewhereError(f.pins, {
      projectDir: project.model.projectDir,
      ...(f.fromGit ? { gitCommit: f.fromGit.commit } : {}),
    });
  }
}

/**
 * Undoes the foreign pins of the given files (all or none, one journal commit): from kiln's
 * records of the other folder, or with `fromGit` from the last commit that has the build:.
 * Nothing is written when a file has neither (ERR_KILN_PINNED_ELSEWHERE).
 */
export function restoreForeignPins(
  project: OpenedProject,
  ports: Pick<Ports, "state">,
  files: readonly ForeignFile[],
  options: { fromGit?: boolean },
): { restored: string[]; files: string[] } {
  assertForeignRestorable(project, files, options);
  const changes: FileChange[] = files.map((f) => ({
    path: f.target,
    content: restoredText(f, options.fromGit === true)!,
    expectedCurrent: f.current,
  }));
  if (changes.length > 0) commitProjectFiles(project, ports, changes);
  return {
    restored: [...new Set(files.flatMap((f) => f.pins.map((p) => p.service)))],
    files: files.map((f) => f.target),
  };
}
