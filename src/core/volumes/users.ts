/**
 * Who a service runs as: its `user:` (or the image's configured User), resolved against the
 * image's /etc/passwd and /etc/group the way the engine does it — a name becomes the uid and
 * primary gid of its passwd entry; a bare numeric uid without an entry runs with gid 0.
 */

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface ResolvedUser {
  /** the spec as written (`vscode`, `1000:1000`, ``) */
  spec: string;
  uid?: number;
  gid?: number;
  home?: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [name, , uid, gid, , home] = line.split(":");
    if (name === undefined || uid === undefined || gid === undefined) continue;
    const u = Number(uid);
    const g = Number(gid);
    if (!Number.isInteger(u) || !Number.isInteger(g)) continue;
    entries.push({ name, uid: u, gid: g, home: home ?? "/" });
  }
  return entries;
}

export function parseGroups(text: string): Map<string, number> {
  const groups = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [name, , gid] = line.split(":");
    if (name && gid !== undefined && /^\d+$/.test(gid)) groups.set(name, Number(gid));
  }
  return groups;
}

const NUMERIC = /^\d+$/;

export function resolveUser(
  spec: string | undefined,
  passwd: PasswdEntry[] = [],
  groups = new Map<string, number>(),
): ResolvedUser {
  const written = (spec ?? "").trim();
  if (written === "") return { spec: "", uid: 0, gid: 0, home: "/root" };
  const [userPart = "", groupPart] = written.split(":");
  const entry = NUMERIC.test(userPart)
    ? passwd.find((p) => p.uid === Number(userPart))
    : passwd.find((p) => p.name === userPart);
  const uid = NUMERIC.test(userPart) ? Number(userPart) : entry?.uid;
  let gid: number | undefined;
  if (groupPart !== undefined && groupPart !== "")
    gid = NUMERIC.test(groupPart) ? Number(groupPart) : groups.get(groupPart);
  else gid = entry?.gid ?? (uid !== undefined ? 0 : undefined);
  const home = entry?.home ?? (uid === 0 ? "/root" : undefined);
  return {
    spec: written,
    ...(uid === undefined ? {} : { uid }),
    ...(gid === undefined ? {} : { gid }),
    ...(home ? { home } : {}),
  };
}

export function isRoot(user: ResolvedUser): boolean {
  return user.uid === 0 || user.spec === "" || user.spec === "root" || user.spec.startsWith("root:");
}

export function describeUser(user: ResolvedUser): string {
  if (user.spec === "") return "root (default)";
  if (user.uid === undefined) return `${user.spec} (unknown uid)`;
  return NUMERIC.test(user.spec.split(":")[0] ?? "") ? user.spec : `${user.spec} (uid ${user.uid})`;
}

/** `UID:GID` as `ensure --owner` takes it */
export function parseOwner(text: string): { uid: number; gid: number } | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const uid = Number(m[1]);
  return { uid, gid: m[2] === undefined ? uid : Number(m[2]) };
}
