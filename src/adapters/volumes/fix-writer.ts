/**
 * Writes the compose files `kiln volumes fix` edited: under the project lock, after a
 * pristine backup of each (never overwritten by a later fix), all files or none (journal),
 * each only if nobody changed it since kiln read it.
 */
import { BackupStore } from "../state/backup-store.js";
import { commitFiles } from "../state/journal.js";
import { openProjectSession } from "../state/project-session.js";
import { projectStateDir } from "../state/state-dir.js";

export function writeFixedFiles(
  projectDir: string,
  before: Record<string, string>,
  after: Record<string, string>,
  options: { env: NodeJS.ProcessEnv; log: (message: string) => void },
): { backups: string[] } {
  const stateDir = projectStateDir(projectDir, options.env);
  const session = openProjectSession(stateDir, { command: "kiln volumes fix", log: options.log });
  try {
    const store = new BackupStore(stateDir);
    const backups: string[] = [];
    for (const file of Object.keys(after)) {
      store.ensureBackup(file);
      backups.push(store.paths(file).data);
    }
    commitFiles(
      stateDir,
      Object.entries(after).map(([file, content]) => ({
        path: file,
        content,
        expectedCurrent: before[file] ?? null,
      })),
    );
    return { backups };
  } finally {
    session.release();
  }
}
