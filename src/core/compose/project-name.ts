/**
 * Project names as compose normalises them. v2 keeps `[a-z0-9_-]` and trims leading `_`/`-`;
 * v1 keeps `[a-z0-9]` only (compose 1.x before 1.21 rules; 1.21+ also keeps `_-`).
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
