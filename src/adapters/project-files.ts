/**
 * The files a run opened, each read once (#14.3): a ComposeIo in front of the real one that keeps
 * every text it read with the file's stat at that moment (device, inode, size, mtime, ctime).
 * Any later read of the same file in the run — the unpinned overlay, the pin records' check, the
 * pin itself, `up`'s model after the bake — gets the kept text while the stat is unchanged, and
 * reads the file again only when it changed (an editor, a git checkout, another kiln run that
 * held the lock first). A stat is cheap; reading and parsing every compose file again is not.
 * kiln's own writes update the kept text (`wrote`).
 *
 * The loader's directory probes (isFile, isDirectory, listDir) are kept too, so `unchanged()`
 * can tell, with stats only, whether loading again would find the same files with the same
 * texts: what a run checks after taking the project lock instead of loading the project again.
 *
 * A same-size rewrite in place within one tick of the file-system clock could keep its stat;
 * every write kiln makes still compares the file's bytes with the text it planned on
 * (journal / atomic-write `expectedCurrent`), so such an edit is refused, never lost.
 */
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { KilnError } from "../core/errors.js";
import type { ComposeIo } from "../core/compose/io.js";
import { nodeComposeIo } from "./compose-files.js";

interface Kept {
  text: string | undefined;
  stamp: string | null;
}

type Probe = "isFile" | "isDir" | "list";

function stampOf(file: string): string | null {
  try {
    const s = statSync(file, { bigint: true, throwIfNoEntry: false });
    return s ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : null;
  } catch {
    return null;
  }
}

/** the path kiln edits for `file` (symlinks resolved; one syscall), or `file` when it does not exist */
function keyOf(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}

export class ProjectFiles {
  /** what the compose loader reads through: the kept texts, the real files behind them */
  readonly io: ComposeIo;
  private readonly kept = new Map<string, Kept>();
  private readonly probes = new Map<string, { kind: Probe; path: string; answer: string }>();

  constructor(private readonly base: ComposeIo = nodeComposeIo) {
    this.io = {
      readText: (file) => this.readText(file),
      isFile: (file) => this.probe("isFile", file, () => base.isFile(file)) === "1",
      isDirectory: (dir) => this.probe("isDir", dir, () => base.isDirectory(dir)) === "1",
      listDir: (dir) => {
        const names = this.probe("list", dir, () => base.listDir(dir).join("\0"));
        return names === "" ? [] : names.split("\0");
      },
      composeValidators: () => base.composeValidators(),
    };
  }

  /** the file's text (undefined when it does not exist), read again only if its stat changed */
  readText(file: string): string | undefined {
    const key = keyOf(file);
    // stat before reading: a write between the two leaves a stamp older than the text, which
    // the next look sees as a change (read again), never the other way round
    const stamp = stampOf(key);
    const hit = this.kept.get(key);
    if (hit && hit.stamp === stamp) return hit.text;
    const text = this.base.readText(file);
    this.kept.set(key, { text, stamp });
    return text;
  }

  /** the text of a file the project names; a file gone meanwhile is ERR_KILN_FILE_CHANGED */
  read(file: string): string {
    const text = this.readText(file);
    if (text === undefined) {
      throw new KilnError("ERR_KILN_FILE_CHANGED", `${file} disappeared while kiln was working`, {
        hint: "put the file back (git checkout -- FILE) and run the command again",
      });
    }
    return text;
  }

  /** kiln wrote `text` to `file` (a journal commit): later reads get it without reading */
  wrote(file: string, text: string): void {
    const key = keyOf(file);
    this.kept.set(key, { text, stamp: stampOf(key) });
  }

  /**
   * Whether loading the project again would see what the kept texts and probes saw: every kept
   * file has its stat, every probe its answer. Costs stats and directory listings, no reads.
   * A probe whose answer changed is forgotten, so the next load asks again.
   */
  unchanged(): boolean {
    let same = true;
    for (const [key, kept] of this.kept) if (stampOf(key) !== kept.stamp) same = false;
    for (const [id, p] of this.probes) {
      if (this.ask(p.kind, p.path) === p.answer) continue;
      this.probes.delete(id);
      same = false;
    }
    return same;
  }

  private probe(kind: Probe, path: string, ask: () => boolean | string): string {
    const id = `${kind}\0${path}`;
    const known = this.probes.get(id);
    if (known) return known.answer;
    const raw = ask();
    const answer = typeof raw === "boolean" ? (raw ? "1" : "0") : raw;
    this.probes.set(id, { kind, path, answer });
    return answer;
  }

  private ask(kind: Probe, path: string): string {
    if (kind === "list") return this.base.listDir(path).join("\0");
    const yes = kind === "isFile" ? this.base.isFile(path) : this.base.isDirectory(path);
    return yes ? "1" : "0";
  }
}
