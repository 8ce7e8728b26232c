/** Image reference comparison: `busybox` and `docker.io/library/busybox:latest` are one image. */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim();
  if (r.startsWith("docker.io/")) r = r.slice("docker.io/".length);
  if (r.startsWith("library/")) r = r.slice("library/".length);
  const lastSegment = r.slice(r.lastIndexOf("/") + 1);
  if (!lastSegment.includes(":") && !lastSegment.includes("@")) r += ":latest";
  return r;
}
