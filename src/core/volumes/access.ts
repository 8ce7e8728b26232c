/**
 * Whether a container user can create files in a volume's root folder, from the folder's owner
 * and mode the way the kernel decides it (owner bits, else group bits for the primary group,
 * else other bits; root always can). Supplementary groups are not known here: a user who could
 * write only through one of them is reported as unable to.
 */
import type { ResolvedUser } from "./users.js";

export interface RootFolder {
  uid: number;
  gid: number;
  mode: number;
}

/** undefined when the user's UID is not known (e.g. a name the image does not have) */
export function canWriteRoot(user: ResolvedUser, root: RootFolder): boolean | undefined {
  if (user.uid === undefined) return undefined;
  if (user.uid === 0) return true;
  if (user.uid === root.uid) return (root.mode & 0o300) === 0o300;
  if (user.gid !== undefined && user.gid === root.gid) return (root.mode & 0o030) === 0o030;
  return (root.mode & 0o003) === 0o003;
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

export interface AccessInput {
  volume: string;
  /** mount target in the service */
  path: string;
  /** `project/service` */
  where: string;
  user: ResolvedUser;
  image: string;
  root: RootFolder;
  /** nothing in the volume yet: the engine copies the image's folder's owner and mode onto it */
  empty: boolean;
  /** the image's folder at `path`, when the image has one */
  imageFolder?: RootFolder;
  /** the owner `kiln volumes ensure` would give the volume (its one non-root user) */
  ensureOwner?: { uid: number; gid: number };
}

export interface AccessFinding {
  writable: boolean;
  message: string;
  hint?: string;
}

function describeRoot(r: RootFolder): string {
  return `${r.uid}:${r.gid} mode ${formatMode(r.mode)}`;
}

/**
 * Can the service's (remote) user write the cache it mounts? The root folder a container sees
 * is the volume's own — unless the volume is empty and the image has a folder at the mount
 * point: then the engine gives the volume that folder's owner and mode when it creates the
 * container (and would again, undoing a chown, while the volume stays empty).
 */
export function judgeAccess(input: AccessInput): AccessFinding | undefined {
  const { user } = input;
  if (user.uid === undefined || user.uid === 0) return undefined;
  const fromImage = input.empty && input.imageFolder !== undefined;
  const seen = fromImage ? input.imageFolder! : input.root;
  const who = `${input.where} as ${user.spec} (uid ${user.uid})`;
  if (canWriteRoot(user, seen)) {
    return { writable: true, message: `${who} can write cache volume ${input.volume} at ${input.path}` };
  }
  if (fromImage) {
    return {
      writable: false,
      message: `${who} cannot write cache volume ${input.volume} at ${input.path}: the volume is empty, so the engine gives it the owner and mode of ${input.path} in ${input.image} (${describeRoot(seen)}) — EACCES on first use`,
      hint: `in the Dockerfile: RUN mkdir -p ${input.path} && chmod 1777 ${input.path}   (or chown it to ${user.spec}), then kiln bake`,
    };
  }
  const owner = `${user.uid}:${user.gid ?? user.uid}`;
  const same = input.ensureOwner?.uid === user.uid;
  return {
    writable: false,
    message: `${who} cannot write cache volume ${input.volume} at ${input.path}: its root folder is ${describeRoot(seen)} — EACCES`,
    hint: same ? "kiln volumes ensure --recursive" : `kiln volumes ensure --owner ${owner} --recursive`,
  };
}
