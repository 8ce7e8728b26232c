/**
 * The project port's real members (app/ports.ts `ProjectPort`): the run's files read once, the
 * compose loader (memoized, or afresh), symlink targets and mode bits of the files kiln edits,
 * the unpin memo, and git for a file's committed versions and status.
 */
import { statSync } from "node:fs";
import { loadProjectCached } from "./compose-model-cache.js";
import { resolveTarget } from "./fs/atomic-write.js";
import { committedVersions } from "./git/file-history.js";
import { runProcess } from "./process-runner.js";
import { ProjectFiles } from "./project-files.js";
import { loadProject } from "./project-loader.js";
import { UnpinMemo } from "./unpin-memo.js";

export const projectAccess = {
  files: () => new ProjectFiles(),
  load: loadProjectCached,
  loadFresh: loadProject,
  resolveTarget,
  readOnly: (file: string): boolean => (statSync(file).mode & 0o222) === 0,
  unpinMemo: (env: Record<string, string | undefined>) => new UnpinMemo(env),
  committedVersions: (file: string) => committedVersions(file),
  git: runProcess,
};
