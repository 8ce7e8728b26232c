/**
 * The user a Dockerfile's final stage runs as, when it says so plainly (`USER dev`, `USER dev:dev`):
 * the Dev Containers CLI builds its UID layer for a non-root image user too, so kiln needs to know
 * it before the image exists (the fingerprint decides whether the UID stage is part of the image).
 * A user given through a variable, or inherited from the base image, is unknown here (undefined).
 */
export function finalStageUser(dockerfile: string): string | undefined {
  const lines = dockerfile.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  let user: string | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (/^FROM\s/i.test(line)) user = undefined;
    const m = /^USER\s+(\S+)/i.exec(line);
    if (m?.[1]) user = m[1].split(":")[0];
  }
  return user && !user.includes("$") ? user : undefined;
}
