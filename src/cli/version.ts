/** kiln's version (read by the adapter beside the other package files) */
export { kilnVersion } from "../adapters/kiln-version.js";
