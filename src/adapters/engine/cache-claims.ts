/**
 * Podman builds of one kiln process whose cache claims conflict run one after another: a build
 * whose copy mounts a cache id without the lock the user asked for (the Buildah 1.28 workaround,
 * core/build/podman-locks.ts) never runs beside another build that mounts that id locked.
 */
import { claimsConflict, type CacheClaim } from "../../core/build/podman-locks.js";

export class CacheClaimGate {
  private readonly held = new Set<CacheClaim>();
  private waiting: (() => void)[] = [];

  /** waits until no held claim conflicts with `claim`, holds it; the result releases it */
  async hold(claim: CacheClaim): Promise<() => void> {
    for (let held = this.tryHold(claim); ; held = this.tryHold(claim)) {
      if (held) return held;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * holds `claim` now when no held claim conflicts with it (every claim of a Docker build is
   * empty), else undefined: a build that need not wait is spawned without a turn of the event
   * loop, before its caller goes on (the bake works out its plan's causes meanwhile)
   */
  tryHold(claim: CacheClaim): (() => void) | undefined {
    if ([...this.held].some((h) => claimsConflict(h, claim))) return undefined;
    this.held.add(claim);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(claim);
      const wake = this.waiting;
      this.waiting = [];
      for (const w of wake) w();
    };
  }
}

/** the gate every Podman build of this process goes through */
export const podmanCacheClaims = new CacheClaimGate();
