/**
 * Why `kiln status` puts a service in its state, as data: doctor and any program switch on the
 * code; the words are made in src/report/status-reason.ts only (as the plan's causes are in
 * core/plan/cause.ts and report/plan-reason.ts).
 */
import type { InputChange } from "../fingerprint/explain.js";

export type StatusCause =
  /** baked: pinned, and the pinned image is the current sources' and is on the engine */
  | { code: "pinned-fresh" }
  /** unbaked: no pin; `built` when an image for the current sources exists */
  | { code: "not-pinned"; built: boolean }
  /** stale: the pinned image is not the current sources'; what changed since (empty: unknown) */
  | { code: "sources-changed"; changes: InputChange[] }
  /** missing-image: the pinned image is not on the engine */
  | { code: "image-missing" }
  /** unbaked: pinned in place, but build: is back in `files`, so compose builds it (#12.1) */
  | { code: "partly-pinned"; files: string[] }
  /** unbaked: pinned in kiln's override file, which the devcontainer does not follow */
  | { code: "override-not-followed"; problem: string }
  /** pinned-elsewhere: a pin kiln made in another folder (#12.3) */
  | {
      code: "pinned-elsewhere";
      /** the file as shown (relative to the project dir) and the line of the pin */
      file: string;
      line: number;
      /** whether the pinned image is on this engine (else compose cannot start the service) */
      imagePresent: boolean;
      /** the command that undoes the pin, when kiln found where from */
      fix?: { command: string; why: string };
    };

export type StatusCauseCode = StatusCause["code"];
