/**
 * Loads a CommonJS file through V8's code cache, as bin/kiln loads the bundle: the compiled code
 * of every function the run used is written at exit to a cache file, and the next run
 * deserializes it instead of compiling again. For the precompiled compose schema validator
 * (389 kB, one huge function): compiling it cost a run that loads a compose file anew ~11 ms,
 * the cache ~5 ms. A cache that cannot be read, is stale (another Node, changed source) or
 * cannot be written only costs the compile.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

export type CodeCacheUse = "hit" | "miss" | "rejected";

/**
 * `file`'s module.exports, run with a code cache in `cacheDir` (keyed by Node's version and the
 * file's length and mtime; V8 checks its flags and version). The file must be ASCII (it is read as latin1). `save`
 * writes the cache now (a miss or a rejected cache also writes it at exit).
 */
export function requireWithCodeCache(
  file: string,
  cacheDir: string,
): { exports: unknown; cache: CodeCacheUse; save: () => void } {
  const source = readFileSync(file, "latin1");
  // V8 checks a cache against the source's length only: another source of the same length would
  // run the cached code, so the file's mtime is in the key too
  const mtime = Math.trunc(statSync(file).mtimeMs);
  const cacheFile = path.join(
    cacheDir,
    `${path.basename(file)}.${process.version}.${source.length}.${mtime}.v8cache`,
  );
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const mod = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    mod.exports,
    mod.exports,
    createRequire(file),
    mod,
    file,
    path.dirname(file),
  );
  const cache: CodeCacheUse =
    cachedData === undefined ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  const save = (): void => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // read-only install, or no build output folder: the next run compiles again
    }
  };
  // at exit, so that the functions this run compiled lazily (the validation itself) are in it
  if (cache !== "hit") process.once("exit", save);
  return { exports: mod.exports, cache, save };
}
