/**
 * A kiln bundle's manifest (`kiln-bundle.json` at the root of the tar): what it holds and each
 * member's checksum. The bundle adapter's manifest.ts reads and verifies it; app/export-bundle.ts
 * writes it.
 */
export const MANIFEST_FILE = "kiln-bundle.json";
export const BUNDLE_KIND = "kiln-bundle";

export interface BundleFile {
  path: string;
  sha256: string;
  size: number;
}

export interface BundleManifest {
  kind: typeof BUNDLE_KIND;
  version: 1;
  project: string;
  createdAt: string;
  services: { name: string; image: string; fingerprint: string }[];
  images: BundleFile;
  caches: (BundleFile & { id: string; sharing?: string; service: string })[];
}
