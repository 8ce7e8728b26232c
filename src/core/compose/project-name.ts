/**
 * Project names derived from a folder, as compose normalises them: lowercase, keep `[a-z0-9_-]`;
 * v2 also trims leading `_`/`-`. Explicit names (-p, COMPOSE_PROJECT_NAME, `name:`) are not
 * normalised but must be valid — compose v2 refuses them otherwise.
 */
import type { ComposeVariant } from "./model.js";

export function normalizeProjectName(raw: string, variant: ComposeVariant = "v2"): string {
  const lower = raw.toLowerCase();
  if (variant === "v1") return lower.replace(/[^-_a-z0-9]/g, "");
  return lower.replace(/[^-_a-z0-9]/g, "").replace(/^[-_]+/, "");
}

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

export function isValidProjectName(name: string): boolean {
  return VALID.test(name);
}

/** `<project>-<service>` (v2) or `<project>_<service>` (v1) */
export function defaultImageName(project: string, service: string, variant: ComposeVariant): string {
  return variant === "v1" ? `${project}_${service}` : `${project}-${service}`;
}
