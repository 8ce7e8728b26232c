/**
 * What the project loader needs from the filesystem — injected, so core stays pure and tests
 * can hand it an in-memory tree. The real one is src/adapters/compose-files.ts.
 */
export interface ComposeIo {
  /** the file's text, or undefined when it does not exist / is not a file */
  readText(file: string): string | undefined;
  isFile(file: string): boolean;
  isDirectory(dir: string): boolean;
  /** entry names of a directory ([] when missing) */
  listDir(dir: string): string[];
  /** the Compose Specification JSON schema */
  composeSchema(): Record<string, unknown>;
}
