/**
 * What is wrong with a cache, as `kiln volumes ls` reports it: each warning has a stable
 * code (for --json users) and a message that names the projects and services involved.
 */
import type { CacheGroup, CacheMount, ServiceRef } from "./detect.js";
import { canWriteRoot } from "./access.js";
import { writtenByRootOnly } from "./purposes.js";
import { describeUser, isRoot } from "./users.js";

export type WarningCode =
  | "missing-mount"
  | "name-differs"
  | "not-named"
  | "not-external"
  | "missing-external"
  | "mixed-users"
  | "owner-unset"
  | "owner-mismatch"
  | "apt-docker-clean";

export interface VolumeWarning {
  code: WarningCode;
  message: string;
}

export interface Owner {
  uid: number;
  gid: number;
}

export interface VolumeState {
  exists: boolean;
  sizeBytes?: number;
  /** owner of the volume's root folder, when kiln could read it */
  owner?: Owner;
  /** permission bits of the volume's root folder (with setuid/setgid/sticky), read with the owner */
  mode?: number;
}

export function where(ref: ServiceRef): string {
  return `${ref.project}/${ref.service}`;
}

/** the owner a cache's root should have: the one non-root user that mounts it, if any */
export function wantedOwner(group: CacheGroup): Owner | undefined {
  if (writtenByRootOnly(group.purpose)) return undefined;
  const owners = new Map<number, Owner>();
  for (const m of group.mounts) {
    if (isRoot(m.user) || m.user.uid === undefined) continue;
    owners.set(m.user.uid, { uid: m.user.uid, gid: m.user.gid ?? 0 });
  }
  return owners.size === 1 ? [...owners.values()][0] : undefined;
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function mountWarnings(group: CacheGroup, participants: ServiceRef[]): VolumeWarning[] {
  const mounted = new Set(group.mounts.map((m) => where(m)));
  const missing = participants.filter((p) => !mounted.has(where(p)));
  if (missing.length === 0) return [];
  const first = group.mounts[0];
  return [
    {
      code: "missing-mount",
      message:
        `mounted by ${distinct(group.mounts.map(where)).join(", ")} but not by ${missing.map(where).join(", ")}` +
        (first ? ` (${first.path} in ${where(first)}): they download it again` : ""),
    },
  ];
}

function nameWarnings(group: CacheGroup, engineName: string): VolumeWarning[] {
  const warnings: VolumeWarning[] = [];
  const names = distinct(group.mounts.map((m) => m.engineName));
  if (names.length > 1) {
    const parts = names.map(
      (n) =>
        `${n} (${distinct(group.mounts.filter((m) => m.engineName === n).map((m) => m.project)).join(", ")})`,
    );
    warnings.push({
      code: "name-differs",
      message: `resolves to different volumes in different projects: ${parts.join(", ")} — the cache is not shared`,
    });
  }
  const seen = new Set<string>();
  for (const m of group.mounts.filter((x) => x.engineName === engineName)) {
    const key = `${m.project}\0${m.volumeKey}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!m.explicitName) {
      warnings.push({
        code: "not-named",
        message: `project ${m.project} declares volume "${m.volumeKey}" without name:, so its engine name ${m.engineName} depends on the project name`,
      });
    }
    if (!m.external) {
      warnings.push({
        code: "not-external",
        message: `not external in project ${m.project}: \`docker compose -p ${m.project} down -v\` deletes it`,
      });
    }
  }
  return warnings;
}

function existenceWarnings(
  group: CacheGroup,
  state: VolumeState | undefined,
  engineName: string,
): VolumeWarning[] {
  if (state === undefined || state.exists) return [];
  const external = group.mounts.filter((m) => m.engineName === engineName && m.external);
  if (external.length === 0) return [];
  const projects = distinct(external.map((m) => m.project));
  return [
    {
      code: "missing-external",
      message: `declared external in ${projects.join(", ")} but does not exist: \`docker compose up\` fails — run \`kiln volumes ensure\``,
    },
  ];
}

function ownerWarnings(
  group: CacheGroup,
  state: VolumeState | undefined,
  engineName: string,
): VolumeWarning[] {
  if (writtenByRootOnly(group.purpose)) return [];
  const mounts = group.mounts.filter((m) => m.engineName === engineName);
  const nonRoot = mounts.filter((m) => !isRoot(m.user));
  const uids = distinct(nonRoot.map((m) => m.user.uid).filter((u): u is number => u !== undefined));
  const users = (list: CacheMount[]): string =>
    list.map((m) => `${where(m)} as ${describeUser(m.user)}`).join(", ");
  if (uids.length > 1) {
    return [
      {
        code: "mixed-users",
        message: `shared by different non-root users (${users(nonRoot)}): only one of them can own it`,
      },
    ];
  }
  const want = wantedOwner({ ...group, mounts });
  if (!want) return [];
  if (state?.exists && state.owner) {
    if (state.owner.uid === want.uid) return [];
    // a root folder the users may write to anyway (1777, like /tmp) is no EACCES
    const root = state.mode === undefined ? undefined : { ...state.owner, mode: state.mode };
    if (root && nonRoot.every((m) => canWriteRoot(m.user, root) === true)) return [];
    return [
      {
        code: "owner-mismatch",
        message: `owned by ${state.owner.uid}:${state.owner.gid} but ${users(nonRoot)} writes to it: EACCES — run \`kiln volumes ensure\` (--recursive for the files already in it)`,
      },
    ];
  }
  if (state?.exists) return [];
  const roots = mounts.filter((m) => isRoot(m.user));
  const who =
    roots.length > 0
      ? `shared by root (${roots.map(where).join(", ")}) and ${users(nonRoot)}`
      : `used by ${users(nonRoot)}`;
  return [
    {
      code: roots.length > 0 ? "mixed-users" : "owner-unset",
      message: `${who}: the first container to mount it creates it owned by its user, and a non-root user then gets EACCES — \`kiln volumes ensure\` creates it owned by ${want.uid}:${want.gid}`,
    },
  ];
}

function aptWarnings(group: CacheGroup): VolumeWarning[] {
  if (group.purpose !== "apt") return [];
  const cleaners = group.mounts.filter((m) => m.aptDockerClean);
  if (cleaners.length === 0) return [];
  return [
    {
      code: "apt-docker-clean",
      message:
        `image ${distinct(cleaners.map((m) => m.image)).join(", ")} has /etc/apt/apt.conf.d/docker-clean, which empties /var/cache/apt ` +
        `after every install (${distinct(cleaners.map(where)).join(", ")}): remove it in the Dockerfile or the cache stays empty`,
    },
  ];
}

/** warnings for one engine volume of a cache group */
export function warningsFor(
  group: CacheGroup,
  engineName: string,
  participants: ServiceRef[],
  state: VolumeState | undefined,
): VolumeWarning[] {
  return [
    ...mountWarnings(group, participants),
    ...nameWarnings(group, engineName),
    ...existenceWarnings(group, state, engineName),
    ...ownerWarnings(group, state, engineName),
    ...aptWarnings(group),
  ];
}
