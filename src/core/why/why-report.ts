/** What `kiln why` finds, per service (src/app/why.ts computes it, src/report/why-text.ts says it). */
import type { InputDiff } from "./input-diff.js";
import type { MissResult } from "./first-miss.js";
import type { IgnoreSuggestion } from "./ignore-suggestions.js";

export type WhyState =
  /** an image for the current inputs is on the engine */
  | "fresh"
  /** the inputs differ from the recorded build's */
  | "stale"
  /** no recorded build to compare with */
  | "no-previous";

export interface ServiceWhy {
  service: string;
  state: WhyState;
  fingerprint: string;
  /** the fingerprint compared with (pinned image, else last built) */
  previous?: { fingerprint: string; from: "pin" | "last-build" };
  changes?: InputDiff;
  miss?: MissResult;
  /** what the fingerprint reads from the context (or why all of it) */
  reads?: { sources?: string[]; whole: string[] };
  /** the whole context is read: files in it that change often and the image never needs */
  suggestions?: IgnoreSuggestion[];
}

export interface WhyReport {
  project: string;
  services: ServiceWhy[];
}
