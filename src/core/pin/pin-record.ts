/**
 * What kiln remembers about one pinned service so that restore can put the exact original
 * bytes back. Stored per file and service in the project's state dir (pins.json).
 */
export interface PinRecord {
  version: 1;
  service: string;
  /** the image reference the service is pinned to */
  imageRef: string;
  /**
   * "replaced-build": the service had no image:, its build key became `image: <ref>` in place.
   * "replaced-image": the service had an image:, its value became the ref and build was removed.
   */
  kind: "replaced-build" | "replaced-image";
  /**
   * replaced-build: the build key and value as written (key start to the end of its last line,
   * without the line break). replaced-image: the removed text (whole lines in a block mapping,
   * the pair plus one separating comma in a flow mapping).
   */
  originalBuild: string;
  /** replaced-build: the text kiln wrote (`image: <ref>`); replaced-image: the image value kiln wrote */
  pinnedText: string;
  /** replaced-image: the image value source before the pin */
  originalImage?: string;
  /** replaced-image: whether the build text came before the image key */
  buildBeforeImage?: boolean;
  /** replaced-image: the neighbouring key the build text sat against */
  anchorKey?: string;
  /** replaced-image: the build text was right "after" the anchor's value or "before" its key */
  anchorSide?: "after" | "before";
  /** replaced-image: the bytes between the anchor and the removed build text */
  gap?: string;
}
