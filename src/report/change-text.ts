/**
 * What changed between two fingerprints, in the plan's words: "sources changed (api/server.txt)",
 * "arg GREETING changed", "base image kiln-local/debian:bookworm changed", "Dockerfile changed".
 */
import { inputChanges, type FingerprintManifest, type InputChange } from "../core/fingerprint/index.js";

const MAX_NAMES = 3;

export function changeText(change: InputChange): string {
  switch (change.kind) {
    case "format":
      return "fingerprint format changed";
    case "dockerfile":
      return "Dockerfile changed";
    case "sources":
      return `sources changed (${nameList(change.paths)})`;
    case "context":
      return "context changed";
    case "arg":
      return `arg ${change.name} ${change.change}`;
    case "target":
      return "target changed";
    case "platforms":
      return "platforms changed";
    case "additional-context":
      return `additional context ${change.name} changed`;
    case "base-image":
      return `base image ${change.ref} ${change.change}`;
    case "service-image":
      return `image of service ${change.service} changed`;
    case "labels":
      return "labels changed";
    case "devcontainer":
      return change.detail;
    default:
      return "fingerprint changed";
  }
}

/** the changes between two manifests, in words */
export function explainChange(previous: FingerprintManifest, current: FingerprintManifest): string[] {
  return inputChanges(previous, current).map(changeText);
}

function nameList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMES).join(", ");
  return names.length > MAX_NAMES ? `${shown} and ${names.length - MAX_NAMES} more` : shown;
}
