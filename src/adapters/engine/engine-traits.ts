/**
 * The engine's traits (Docker or Podman, rootless, image store), from two API calls, once per
 * run and engine; and the refusal of an engine kiln cannot work with.
 */
import {
  engineSupport,
  engineTraits,
  type EngineProduct,
  type EngineTraits,
} from "../../core/engine/traits.js";
import { getEngine, type EngineSelection } from "./index.js";

const memo = new Map<string, Promise<EngineTraits | undefined>>();
const products = new Map<string, Promise<EngineProduct | undefined>>();

/**
 * Docker or Podman, from `/version` alone (Podman answers `/info` in ~1 s: it sums its storage),
 * and the refusal of an engine whose containers are not Linux. undefined: no answer.
 */
export function engineProductOf(selection: EngineSelection): Promise<EngineProduct | undefined> {
  const engine = getEngine(selection);
  const key = engine.host + (selection.context ?? "");
  let hit = products.get(key);
  if (!hit) {
    hit = engine.identify().then(
      (id) => {
        const { refusal } = engineSupport({
          product: id.product,
          osType: id.osType,
          rootless: false,
          usernsRemap: false,
          imageStore: "graphdriver",
        });
        if (refusal) throw refusal;
        return id.product;
      },
      () => undefined,
    );
    products.set(key, hit);
  }
  return hit;
}

/** undefined: the engine did not answer */
export function engineTraitsOf(selection: EngineSelection): Promise<EngineTraits | undefined> {
  const engine = getEngine(selection);
  const key = engine.host + (selection.context ?? "");
  let hit = memo.get(key);
  if (!hit) {
    hit = Promise.all([engine.version(), engine.info()]).then(
      ([v, i]) => engineTraits(v, i),
      () => undefined,
    );
    memo.set(key, hit);
  }
  return hit;
}

/** throws the refusal for an engine kiln cannot build on (see engineSupport) */
export async function checkEngineSupported(selection: EngineSelection): Promise<EngineTraits | undefined> {
  const traits = await engineTraitsOf(selection);
  if (traits) {
    const { refusal } = engineSupport(traits);
    if (refusal) throw refusal;
  }
  return traits;
}
