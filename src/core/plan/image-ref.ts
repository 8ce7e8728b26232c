/**
 * Image reference helpers: the repository part of a name, and kiln's content tag.
 */

/** `registry:5000/team/app:1.2@sha256:…` → `registry:5000/team/app` */
export function imageRepo(ref: string): string {
  const noDigest = ref.split("@")[0] ?? ref;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** the tag as written, or `latest` */
export function imageTag(ref: string): string {
  const noDigest = ref.split("@")[0] ?? ref;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(colon + 1) : "latest";
}

export const CONTENT_TAG_PREFIX = "kiln-";

export function contentTag(fingerprint: string): string {
  return `${CONTENT_TAG_PREFIX}${fingerprint.slice(0, 12)}`;
}

/** labels kiln puts on every image it builds */
export const LABEL = {
  fingerprint: "kiln.fingerprint",
  project: "kiln.project",
  service: "kiln.service",
} as const;
