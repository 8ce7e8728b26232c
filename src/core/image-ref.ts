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

/**
 * Whether an image that carries `kiln.fingerprint=<fingerprint>` is kiln's own image for it, not
 * one built FROM it: a child inherits every label (the Dev Containers CLI's `-uid` image, a
 * Features image) but never a tag, and kiln's image is always tagged `…:kiln-<12 hex>` of that
 * fingerprint — built, pulled, imported or found fresh (#12.2).
 */
export function isKilnImage(image: { repoTags: readonly string[] }, fingerprint: string): boolean {
  const tag = contentTag(fingerprint);
  return image.repoTags.some((ref) => !ref.includes("@") && imageTag(ref) === tag);
}

/** labels kiln puts on every image it builds */
export const LABEL = {
  fingerprint: "kiln.fingerprint",
  project: "kiln.project",
  service: "kiln.service",
} as const;

/** the registry host of a repository, when it names one (`host.tld/…`, `host:5000/…`, `localhost/…`) */
export function registryHost(repo: string): string | undefined {
  const slash = repo.indexOf("/");
  if (slash < 0) return undefined;
  const first = repo.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : undefined;
}

/**
 * The host kiln gives a pinned image whose name has no registry: `.invalid` is reserved never
 * to resolve (RFC 6761), so a missing pinned image fails at once instead of being looked up —
 * and possibly found — on Docker Hub (compose v1 ignores `pull_policy: never`).
 */
export const PIN_HOST = "kiln.invalid";

/** the reference kiln builds and pins: `[kiln.invalid/]<repo>:kiln-<12 hex>` */
export function contentRef(imageName: string, fingerprint: string): string {
  const repo = imageRepo(imageName);
  return `${registryHost(repo) ? "" : `${PIN_HOST}/`}${repo}:${contentTag(fingerprint)}`;
}

/** Image reference comparison: `busybox` and `docker.io/library/busybox:latest` are one image. */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim();
  if (r.startsWith("docker.io/")) r = r.slice("docker.io/".length);
  if (r.startsWith("library/")) r = r.slice("library/".length);
  const lastSegment = r.slice(r.lastIndexOf("/") + 1);
  if (!lastSegment.includes(":") && !lastSegment.includes("@")) r += ":latest";
  return r;
}
