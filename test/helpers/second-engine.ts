/**
 * A second Docker engine on this machine, standing in for a teammate's machine or a CI runner
 * (own data root, socket, bridge; started empty, stopped by its pid). One implementation for the
 * tests and the benches: bench/lib/second-engine.mjs (rules and details there).
 */
export { startSecondEngine, type SecondEngine } from "../../bench/lib/second-engine.mjs";
