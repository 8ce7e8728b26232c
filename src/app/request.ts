/**
 * What a use case is asked to work on: the project selection and the engine context.
 * The CLI maps its global options onto this; a library caller builds one directly.
 */
export interface ProjectRequest {
  /** absolute project directory */
  projectDir: string;
  /** true when the caller chose the directory (`--project-dir`), not the current directory */
  projectDirExplicit?: boolean;
  /** compose files (absolute); empty = the default files in projectDir */
  files: string[];
  projectName?: string;
  profiles: string[];
  envFiles: string[];
  /** a devcontainer.json path, or true to auto-detect one */
  devcontainer?: string | true;
  /** docker context passed to every engine call */
  context?: string;
}
