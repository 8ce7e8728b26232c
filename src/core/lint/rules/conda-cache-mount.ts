import { cacheMountRule } from "../cache-mount-rule.js";

export const condaCacheMount = cacheMountRule({
  id: "conda-cache-mount",
  tool: "conda",
  label: "conda",
  cleanCommands: [
    ["conda", "clean"],
    ["mamba", "clean"],
    ["micromamba", "clean"],
  ],
  summary: "conda/mamba install without a cache mount on the package cache (pkgs)",
  explain: `conda, mamba and micromamba download packages into <root>/pkgs (/opt/conda/pkgs in the
miniconda, miniforge and micromamba images) before linking them into the environment. Keep it
on a cache mount, and drop the \`conda clean\` that a plain layer needs:

  RUN --mount=type=cache,target=/opt/conda/pkgs conda env create -f environment.yml

Fires on install/create/update and env create/update; CONDA_PKGS_DIRS, CONDA_DIR and
MAMBA_ROOT_PREFIX are followed. The fix adds the mount and removes \`conda clean\` from the RUN.`,
});
