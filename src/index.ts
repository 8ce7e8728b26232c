/**
 * kiln as a library: the use cases (bake, build, rebuild, status, restore, up, push, pull,
 * volumes, bundles, doctor) and the ports they run on, the pure pieces they are
 * made of (loadProject, makePlan, lint) and the error type with its codes. See README.md,
 * "As a library", and docs/architecture.md.
 */
export {
  bake,
  build,
  defaultPorts,
  doctor,
  projectRequest,
  pull,
  push,
  rebuild,
  restore,
  status,
  up,
} from "./app/library.js";
export type {
  BakeOptions,
  BuildOptions,
  CallOptions,
  ProjectSelection,
  PullOptions,
  PushOptions,
  RebuildOptions,
  RestoreOptions,
  UpOptions,
} from "./app/library.js";
export {
  ensureVolumes,
  exportBundle,
  exportVolume,
  fixVolumes,
  importBundle,
  importVolume,
  inspectVolume,
  listVolumes,
  pruneVolumes,
} from "./app/library-volumes.js";
export type {
  BundleExportOptions,
  BundleImportOptions,
  EnsuredVolume,
  VolumeDetails,
  VolumeFixReport,
  VolumeList,
  VolumeProgress,
  VolumePruneReport,
  VolumesOptions,
} from "./app/library-volumes.js";
export type {
  Ports,
  BuildPort,
  BundlePort,
  ComposePort,
  DevcontainerPort,
  FingerprintPort,
  LintTargetsPort,
  ProjectPort,
  RegistryPort,
  StatePort,
  VolumesPort,
} from "./app/ports.js";
/** what a Ports' `engine` and `builds.client()` are: implement these for another engine */
export type { Engine } from "./adapters/engine/engine-types.js";
export type { DockerClient } from "./adapters/engine/client.js";
export type { RestoreReport } from "./app/restore.js";
export type { BakeReport } from "./app/bake-project.js";
export type { TargetResult } from "./app/run-plan.js";
export type { ServiceStatus, ServiceState } from "./app/status.js";
export type { StatusCause } from "./core/plan/status-cause.js";
export type { ProjectRequest } from "./app/request.js";
export type { UpReport } from "./app/up.js";
export type { PushReport, PushRow } from "./app/push.js";
export type { PullReport, PullRow } from "./app/pull.js";
export type { BundleExportReport } from "./app/export-bundle.js";
export type { BundleImportReport } from "./app/import-bundle.js";

export { loadProject } from "./adapters/project-loader.js";
export type { LoadProjectOptions, ProjectModel } from "./core/compose/model.js";
export { makePlan } from "./core/plan/plan.js";
export type { Plan, PlanInput, PlanMode, PlanTarget } from "./core/plan/plan.js";
export { lintDockerfile as lint, fixDockerfile } from "./core/lint/lint.js";
export type { Finding, LintOptions, Severity } from "./core/lint/finding-types.js";
export type { CheckResult } from "./core/doctor/check.js";

export { EXIT, KilnError, isKilnError } from "./core/errors.js";
export type { ExitCode, KilnErrorCode, KilnErrorOptions } from "./core/errors.js";
export type { ProgressReporter, ServiceOutcome } from "./report/progress/reporter.js";
