/**
 * What kind of engine answers, read from its `/version` and `/info` answers: Docker or Podman
 * (Podman's compatible API names its component "Podman Engine"), rootless (dockerd adds
 * `name=rootless` to SecurityOptions; Podman too), the containerd image store (Docker 24+
 * reports `driver-type io.containerd.snapshotter.v1` in DriverStatus), the OS of its
 * containers. Pure: the adapters fetch the JSON, kiln decides here what it supports.
 */
import { KilnError } from "../errors.js";

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** `Components[].Name` ("Engine" for Docker, "Podman Engine" for Podman) */
  components: string[];
}

export interface EngineInfo {
  dockerRootDir: string;
  driver: string;
  name: string;
  /** e.g. "name=seccomp,profile=default", "name=rootless" */
  securityOptions: string[];
  /** e.g. [["driver-type", "io.containerd.snapshotter.v1"]] with the containerd image store */
  driverStatus: [string, string][];
  osType: string;
}

/** the fields of `/version` kiln reads */
export interface RawVersion {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Arch?: string;
  Components?: { Name?: string }[] | null;
}

/** the fields of `/info` kiln reads */
export interface RawInfo {
  DockerRootDir?: string;
  Driver?: string;
  Name?: string;
  SecurityOptions?: string[] | null;
  DriverStatus?: [string, string][] | null;
  OSType?: string;
}

export function engineVersion(raw: RawVersion): EngineVersion {
  return {
    version: raw.Version ?? "",
    apiVersion: raw.ApiVersion ?? "",
    os: raw.Os ?? "",
    arch: raw.Arch ?? "",
    components: (raw.Components ?? []).map((c) => c.Name ?? "").filter(Boolean),
  };
}

export function engineInfo(raw: RawInfo): EngineInfo {
  return {
    dockerRootDir: raw.DockerRootDir ?? "",
    driver: raw.Driver ?? "",
    name: raw.Name ?? "",
    securityOptions: raw.SecurityOptions ?? [],
    driverStatus: raw.DriverStatus ?? [],
    osType: raw.OSType ?? "",
  };
}

export type EngineProduct = "docker" | "podman";

export interface EngineIdentity {
  product: EngineProduct;
  /** "" when the answer does not say */
  osType: string;
}

/**
 * From `/_ping`'s headers: Podman sends `Libpod-Api-Version` and `Server: Libpod/4.3.1 (linux)`;
 * Docker `Server: Docker/20.10.24 (linux)` and `Ostype`.
 */
export function identifyFromPing(headers: Record<string, string>): EngineIdentity {
  const server = headers.server ?? "";
  const podman = headers["libpod-api-version"] !== undefined || /^libpod\//i.test(server);
  const os = headers.ostype ?? /\((\w+)\)\s*$/.exec(server)?.[1] ?? "";
  return { product: podman ? "podman" : "docker", osType: os };
}

export function identifyFromVersion(v: EngineVersion): EngineIdentity {
  return { product: isPodman(v) ? "podman" : "docker", osType: v.os };
}

export interface EngineTraits {
  product: EngineProduct;
  version: string;
  rootless: boolean;
  /** user-namespace remapping (dockerd --userns-remap): volume owners are shifted like rootless */
  usernsRemap: boolean;
  /** "containerd": Docker's containerd image store (snapshotters); "graphdriver": overlay2 & co */
  imageStore: "containerd" | "graphdriver";
  storageDriver: string;
  osType: string;
}

export function isPodman(version: Pick<EngineVersion, "components">): boolean {
  return version.components.some((c) => /podman/i.test(c));
}

function securityNames(info: EngineInfo): string[] {
  return info.securityOptions.map((o) => /(?:^|,)name=([^,]+)/.exec(o)?.[1] ?? o);
}

export function engineTraits(version: EngineVersion, info: EngineInfo): EngineTraits {
  const names = securityNames(info);
  const containerd = info.driverStatus.some(
    ([k, v]) => k === "driver-type" && v.startsWith("io.containerd.snapshotter"),
  );
  return {
    product: isPodman(version) ? "podman" : "docker",
    version: version.version,
    rootless: names.includes("rootless"),
    usernsRemap: names.includes("userns"),
    imageStore: containerd ? "containerd" : "graphdriver",
    storageDriver: info.driver,
    osType: info.osType || version.os,
  };
}

/** one line for doctor: what kind of engine this is and what that means for kiln */
export function describeEngine(t: EngineTraits): string {
  const parts = [
    `${t.product === "podman" ? "Podman" : "Docker"} ${t.version}`,
    t.rootless ? "rootless" : "rootful",
    t.imageStore === "containerd"
      ? `containerd image store (${t.storageDriver} snapshotter)`
      : `${t.storageDriver || "unknown"} storage`,
  ];
  if (t.usernsRemap) parts.push("userns-remap");
  return parts.join(", ");
}

/**
 * Notes on where kiln's behaviour differs but holds (doctor prints them), or a refusal where it
 * does not. Rootless / userns-remap: volume owners are the UIDs containers see (kiln sets and
 * reads them from inside containers, so they hold; on the host they appear shifted by the
 * subuid range). The containerd image store: image IDs are manifest digests, kiln compares IDs
 * only with IDs from the same engine. Windows containers: kiln's helper steps are Linux.
 */
export function engineSupport(
  t: Pick<EngineTraits, "rootless" | "usernsRemap" | "imageStore" | "product" | "osType">,
): { notes: string[]; refusal?: KilnError } {
  const notes: string[] = [];
  if (t.rootless || t.usernsRemap) {
    notes.push(
      "volume owners are UIDs inside the engine's user namespace: kiln sets and reads them from containers, so `kiln volumes ensure` holds; on the host the files appear owned by the shifted subuid range",
    );
  }
  if (t.imageStore === "containerd") {
    notes.push(
      "containerd image store: image IDs are manifest digests; fingerprints and pins read them from this engine only, so they hold (a bundle or registry round-trip keeps the labels kiln matches on)",
    );
  }
  if (t.product === "podman") {
    notes.push(
      "Podman: kiln builds with `podman build --layers` (Buildah), reads images and volumes through Podman's Docker-compatible API; cache mounts live in /var/tmp/buildah-cache on the Podman host",
    );
  }
  if (t.osType && t.osType !== "linux") {
    return {
      notes,
      refusal: new KilnError(
        "ERR_KILN_ENGINE_UNSUPPORTED",
        `the engine runs ${t.osType} containers: kiln's cache-mount and volume helpers are Linux containers`,
        { hint: 'switch the engine to Linux containers (Docker Desktop: "Switch to Linux containers")' },
      ),
    };
  }
  return { notes };
}
