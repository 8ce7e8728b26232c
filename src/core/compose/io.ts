/**
 * What the project loader needs from the filesystem — injected, so core stays pure and tests
 * can hand it an in-memory tree. The real one is the adapter compose-files.ts.
 */
import type { ParsedFile } from "./yaml-tree.js";

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
  /** parsed files kept from earlier loads; absent: every file is parsed */
  parsedFiles?: ParsedFileMemo;
}

/**
 * What the YAML parser made of a file's text, kept between runs: the values, before they are
 * interpolated, do not depend on the environment, so a change of a variable (a build arg's
 * value) loads the project again without parsing its files again.
 */
export interface ParsedFileMemo {
  /** the parse of exactly this text of `file`, as new objects the loader may change; else undefined */
  get(file: string, text: string): ParsedFile | undefined;
  /** the parser's output for `text`, before the loader changes it */
  set(file: string, text: string, parsed: ParsedFile): void;
}
