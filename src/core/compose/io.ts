/**
 * What the project loader needs from the filesystem — injected, so core stays pure and tests
 * can hand it an in-memory tree. The real one is the adapter compose-files.ts.
 */

/** the part of an ajv error kiln reads */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** a compiled JSON-schema check (ajv's ValidateFunction shape) */
export interface SchemaCheck {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

export interface ComposeValidators {
  /** stops at the first error: the fast path */
  fast: SchemaCheck;
  /** reports every error: used only to explain a failure */
  explain: () => SchemaCheck;
}

export interface ComposeIo {
  /** the file's text, or undefined when it does not exist / is not a file */
  readText(file: string): string | undefined;
  isFile(file: string): boolean;
  isDirectory(dir: string): boolean;
  /** entry names of a directory ([] when missing) */
  listDir(dir: string): string[];
  /** validators of the Compose Specification JSON schema; undefined skips validation */
  composeValidators(): ComposeValidators | undefined;
}
