// Types for second-engine.mjs (a second Docker engine on this machine; read by the tests' TypeScript).
export interface SecondEngine {
  dir: string;
  socket: string;
  /** `unix://DIR/docker.sock` — DOCKER_HOST for kiln and the docker CLI */
  host: string;
  readonly pid: number;
  bridge: string;
  /** runs the docker CLI against this engine */
  docker(args: string[], input?: Buffer): { code: number; stdout: string; stderr: string };
  /**
   * a subnet for compose networks on this engine: its default address pools overlap the first
   * engine's networks (and --default-address-pool is off limits), so the project's default
   * network gets this one explicitly
   */
  projectSubnet: string;
  /** appends `networks: default: ipam: subnet` (this engine's project subnet) to a compose file */
  isolateNetwork(composeFile: string): void;
  /** copies images from the first engine (docker save | load) */
  loadFromFirst(images: string[]): void;
  stop(): Promise<void>;
}

export function startSecondEngine(): Promise<SecondEngine>;

/** polls `check` every 50 ms until it is true (→ true) or `timeoutMs` passed (→ false) */
export function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean>;
