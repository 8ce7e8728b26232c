/**
 * kiln as a library: the use cases (bake, status, restore, doctor, bundles), the pure pieces they are
 * made of (loadProject, makePlan, lint) and the error type with its codes. See README.md,
 * "As a library", and docs/architecture.md.
 */
export { bake, doctor, projectRequest, restore, status } from "./app/library.js";
export type { BakeOptions, ProjectSelection, RestoreOptions } from "./app/library.js";
export type { RestoreReport } from "./app/restore.js";
export type { BakeReport } from "./app/bake-project.js";
export type { TargetResult } from "./app/run-plan.js";
export type { ServiceStatus, ServiceState } from "./app/status.js";
export type { StatusCause } from "./core/plan/status-cause.js";
export type { ProjectRequest } from "./app/request.js";
export { exportBundle, type BundleExportOptions, type BundleExportReport } from "./app/export-bundle.js";
export { importBundle, type BundleImportOptions, type BundleImportReport } from "./app/import-bundle.js";

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
