/**
 * The uid/gid a cache mount needs when the step runs as a non-root USER: numeric USER values
 * as written, else the ids given to `useradd`/`adduser`/`groupadd` earlier, else 1000 (the
 * first user Debian's and Alpine's tools create).
 */
import { stepsBefore, type RunStep } from "./dockerfile-model.js";
import { expand } from "./variables.js";

function idOption(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const n of names) {
      if (a === n && /^\d+$/.test(args[i + 1] ?? "")) return args[i + 1];
      if (a.startsWith(`${n}=`) && /^\d+$/.test(a.slice(n.length + 1))) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

function created(step: RunStep, name: string, kind: "user" | "group"): string | undefined {
  for (const s of stepsBefore(step)) {
    if (s.kind !== "run") continue;
    for (const c of s.commands) {
      const args = c.args.map((a) => expand(a.value, s.scope));
      if (args[args.length - 1] !== name) continue;
      if (kind === "user" && (c.name === "useradd" || c.name === "adduser")) {
        const id = idOption(args, ["-u", "--uid"]);
        if (id) return id;
      }
      if (kind === "group" && (c.name === "groupadd" || c.name === "addgroup")) {
        const id = idOption(args, ["-g", "--gid"]);
        if (id) return id;
      }
    }
  }
  return undefined;
}

export function userIds(step: RunStep): { uid: string; gid: string } {
  const [user = "", group] = (step.user ?? "").split(":");
  const uid = /^\d+$/.test(user) ? user : (created(step, user, "user") ?? "1000");
  const gid =
    group === undefined
      ? (created(step, user, "group") ?? uid)
      : /^\d+$/.test(group)
        ? group
        : (created(step, group, "group") ?? uid);
  return { uid, gid };
}
