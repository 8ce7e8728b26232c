/**
 * Labels on what `kiln volumes` creates: `kiln.managed=true` (prune touches only those),
 * `kiln.purpose=<purpose>`, plus any in KILN_LABELS ("k=v,k2=v2"; KILN_EXTRA_LABELS is read too)
 * — on every image and volume kiln creates. Tests put their run label there so everything they
 * cause is swept afterwards.
 */
export const MANAGED_LABEL = "kiln.managed";
export const PURPOSE_LABEL = "kiln.purpose";

export function extraLabels(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of [env.KILN_LABELS, env.KILN_EXTRA_LABELS].filter(Boolean).join(",").split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq === -1) out[item] = "";
    else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function managedLabels(
  env: Record<string, string | undefined>,
  purpose?: string,
): Record<string, string> {
  return { ...extraLabels(env), [MANAGED_LABEL]: "true", ...(purpose ? { [PURPOSE_LABEL]: purpose } : {}) };
}

/**
 * The labels docker compose puts on a volume it creates for a project. compose warns "volume
 * already exists but was not created by Docker Compose" for a non-external volume without them
 * (#12.9); with them it treats kiln's volume as its own. Never for `external: true` volumes.
 */
export function composeVolumeLabels(project: string, key: string): Record<string, string> {
  return { "com.docker.compose.project": project, "com.docker.compose.volume": key };
}
