/** Hand-built ProjectModel values for the pure volume tests. */
import type { ProjectModel, ServiceModel, VolumeModel } from "../../../src/core/compose/model.js";

export interface ServiceSpec {
  name: string;
  image?: string;
  user?: string;
  environment?: Record<string, string>;
  mounts: [source: string, target: string][];
}

export function project(
  name: string,
  file: string,
  services: ServiceSpec[],
  volumes: Record<string, Partial<VolumeModel>>,
  extensions: Record<string, unknown> = {},
): ProjectModel {
  const models: ServiceModel[] = services.map((s) => ({
    name: s.name,
    imageName: s.image ?? "kiln-local/busybox:latest",
    ...(s.user === undefined ? {} : { user: s.user }),
    environment: s.environment ?? {},
    volumes: s.mounts.map(([source, target]) => ({
      type: "volume" as const,
      source,
      target,
      readOnly: false,
    })),
    profiles: [],
    dependsOn: [],
    labels: {},
    source: { service: { file, line: 1, column: 1 } },
  }));
  const vols: Record<string, VolumeModel> = {};
  for (const [key, v] of Object.entries(volumes)) {
    vols[key] = {
      key,
      engineName: v.engineName ?? `${name}_${key}`,
      external: v.external ?? false,
      explicitName: v.explicitName ?? false,
      labels: v.labels ?? {},
      ...(v.driver ? { driver: v.driver } : {}),
    };
  }
  return {
    name,
    projectDir: `/p/${name}`,
    files: [file],
    envFiles: [],
    variant: "v2",
    profiles: [],
    services: models,
    allServices: models,
    volumes: vols,
    extensions,
  };
}
