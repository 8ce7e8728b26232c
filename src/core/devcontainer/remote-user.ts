/**
 * Who the developer's processes run as in a devcontainer (terminals, `devcontainer exec`,
 * lifecycle commands): the Dev Containers CLI's rule — `remoteUser` from devcontainer.json, else
 * from the image's `devcontainer.metadata` (last entry wins), else the container user
 * (`containerUser`, the compose service's `user:`, the image's USER). Resolving the name to a UID
 * is the caller's business (the pinned image's /etc/passwd carries a baked UID layer).
 */

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** the metadata label as the CLI writes it: an array of entries, or one entry */
export function parseDevcontainerMetadata(label: string | undefined): Record<string, unknown>[] {
  if (!label) return [];
  try {
    const value = JSON.parse(label) as unknown;
    if (Array.isArray(value))
      return value.filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null);
    return typeof value === "object" && value !== null ? [value as Record<string, unknown>] : [];
  } catch {
    return [];
  }
}

export function remoteUserSpec(input: {
  config: Record<string, unknown>;
  metadata?: Record<string, unknown>[];
  serviceUser?: string;
  imageUser?: string;
}): string | undefined {
  const last = (key: string): string | undefined =>
    str([...(input.metadata ?? [])].reverse().find((e) => str(e[key]))?.[key]);
  return (
    str(input.config.remoteUser) ??
    last("remoteUser") ??
    str(input.config.containerUser) ??
    last("containerUser") ??
    str(input.serviceUser) ??
    str(input.imageUser)
  );
}
