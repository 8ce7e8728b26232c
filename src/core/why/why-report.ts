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
  /** with a registry: what it holds for the service (#15.3) */
  registry?: RegistryWhy;
}

export interface RegistryWhy {
  /** `HOST[:PORT]/PREFIX` */
  name: string;
  /** the tag compared: the current content tag when present, else kiln-latest; absent = neither */
  tag?: string;
  /** the `kiln.fingerprint` label of that tag's image */
  fingerprint?: string;
  /** the registry holds the current fingerprint */
  current: boolean;
  /** current inputs against that fingerprint's manifest, when kiln's history has it */
  changes?: InputDiff;
  /** the registry could not be asked */
  error?: string;
}

export interface WhyReport {
  project: string;
  services: ServiceWhy[];
}
