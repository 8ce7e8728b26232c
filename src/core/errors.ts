/**
 * kiln's one error type. The message says what happened; the hint says what to type next.
 * Codes are stable (tests and users match on them); exit codes are documented in README.md.
 */
export const EXIT = {
  ok: 0,
  /** an operation failed: a build, a lint finding at or above --fail-level, a doctor check */
  failed: 1,
  /** usage or configuration error: bad flag, bad compose file, unknown service */
  usage: 2,
  /** the Docker engine (or a BuildKit-capable client) is not available */
  engine: 3,
  /** another kiln process holds the project lock */
  locked: 4,
  /** interrupted (Ctrl-C / SIGTERM) */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type KilnErrorCode =
  | "ERR_KILN_USAGE"
  | "ERR_KILN_INTERNAL"
  | "ERR_KILN_INTERRUPTED"
  | "ERR_KILN_ENGINE_UNREACHABLE"
  | "ERR_KILN_NO_DOCKER_CLIENT"
  | "ERR_KILN_NO_BUILDKIT"
  | "ERR_KILN_NO_COMPOSE"
  | "ERR_KILN_PROCESS_FAILED"
  | "ERR_KILN_BUILD_FAILED"
  | "ERR_KILN_COMPOSE_NOT_FOUND"
  | "ERR_KILN_COMPOSE_PARSE"
  | "ERR_KILN_COMPOSE_INVALID"
  | "ERR_KILN_COMPOSE_INTERPOLATION"
  | "ERR_KILN_COMPOSE_EXTENDS"
  | "ERR_KILN_DEVCONTAINER"
  | "ERR_KILN_OVERRIDE_COMPOSE_V1"
  | "ERR_KILN_FEATURE"
  | "ERR_KILN_FEATURE_INSTALL"
  | "ERR_KILN_DEVCONTAINER_CLI"
  | "ERR_KILN_UNKNOWN_SERVICE"
  | "ERR_KILN_NOT_BUILDABLE"
  | "ERR_KILN_CONTEXT_MISSING"
  | "ERR_KILN_DOCKERFILE_MISSING"
  | "ERR_KILN_PIN_REFUSED"
  | "ERR_KILN_FILE_CHANGED"
  | "ERR_KILN_FILE_READONLY"
  | "ERR_KILN_BACKUP"
  | "ERR_KILN_LOCKED"
  | "ERR_KILN_IMAGE_MISSING"
  | "ERR_KILN_VOLUME"
  | "ERR_KILN_LINT"
  | "ERR_KILN_REGISTRY"
  | "ERR_KILN_BUNDLE"
  | "ERR_KILN_UNPIN_CONFLICT"
  | "ERR_KILN_REPORT"
  | "ERR_KILN_STATE_DIR"
  | "ERR_KILN_BUILDER"
  | "ERR_KILN_BUILDER_IMAGE_MISSING"
  | "ERR_KILN_ENGINE_UNSUPPORTED"
  | "ERR_KILN_PINNED_ELSEWHERE";

const exitByCode: Partial<Record<KilnErrorCode, ExitCode>> = {
  ERR_KILN_USAGE: EXIT.usage,
  ERR_KILN_INTERRUPTED: EXIT.interrupted,
  ERR_KILN_ENGINE_UNREACHABLE: EXIT.engine,
  ERR_KILN_NO_DOCKER_CLIENT: EXIT.engine,
  ERR_KILN_NO_BUILDKIT: EXIT.engine,
  ERR_KILN_NO_COMPOSE: EXIT.engine,
  ERR_KILN_BUILDER: EXIT.engine,
  ERR_KILN_BUILDER_IMAGE_MISSING: EXIT.engine,
  ERR_KILN_ENGINE_UNSUPPORTED: EXIT.engine,
  ERR_KILN_COMPOSE_NOT_FOUND: EXIT.usage,
  ERR_KILN_COMPOSE_PARSE: EXIT.usage,
  ERR_KILN_COMPOSE_INVALID: EXIT.usage,
  ERR_KILN_COMPOSE_INTERPOLATION: EXIT.usage,
  ERR_KILN_COMPOSE_EXTENDS: EXIT.usage,
  ERR_KILN_DEVCONTAINER: EXIT.usage,
  ERR_KILN_OVERRIDE_COMPOSE_V1: EXIT.usage,
  ERR_KILN_FEATURE: EXIT.usage,
  ERR_KILN_DEVCONTAINER_CLI: EXIT.engine,
  ERR_KILN_UNKNOWN_SERVICE: EXIT.usage,
  ERR_KILN_NOT_BUILDABLE: EXIT.usage,
  ERR_KILN_CONTEXT_MISSING: EXIT.usage,
  ERR_KILN_DOCKERFILE_MISSING: EXIT.usage,
  ERR_KILN_PIN_REFUSED: EXIT.usage,
  ERR_KILN_FILE_READONLY: EXIT.usage,
  ERR_KILN_PINNED_ELSEWHERE: EXIT.usage,
  ERR_KILN_LOCKED: EXIT.locked,
  ERR_KILN_STATE_DIR: EXIT.usage,
};

/** the hint of an error that only a bug in kiln can cause */
export const BUG_HINT = "this is a bug in kiln: rerun with --debug and report the output";

export interface KilnErrorOptions {
  hint?: string;
  cause?: unknown;
  /** where in a user's file the problem is, "file:line" or "file:line:col" */
  location?: string;
  /** overrides the exit code derived from the error code */
  exitCode?: ExitCode;
}

export class KilnError extends Error {
  readonly code: KilnErrorCode;
  readonly hint: string | undefined;
  readonly location: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: KilnErrorCode, message: string, options: KilnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KilnError";
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.exitCode = options.exitCode ?? exitByCode[code] ?? EXIT.failed;
  }

  toJSON(): { code: string; message: string; hint?: string; location?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.location === undefined ? {} : { location: this.location }),
    };
  }
}

export function isKilnError(value: unknown): value is KilnError {
  return value instanceof KilnError;
}
