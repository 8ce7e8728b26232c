/** --fix for copy-before-install: filled in by #16.2 */
import type { CopyStep, RunStep } from "./dockerfile-model.js";
import type { Manifests } from "./install-manifests.js";
import type { ToolUse } from "./package-commands.js";
import type { RuleContext } from "./rule.js";
import type { Edit } from "./types.js";

export interface InstallFixInput {
  step: RunStep;
  use: ToolUse;
  copy: CopyStep;
  prefix: string;
  sub: string;
  manifests: Manifests;
  broad: boolean;
}

export function copyBeforeInstallFix(_ctx: RuleContext, _input: InstallFixInput): Edit[] | undefined {
  return undefined;
}
