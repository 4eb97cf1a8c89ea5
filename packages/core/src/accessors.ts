import type { Params } from "./params.js";

type Capital<K extends string> = Capitalize<K>;

/**
 * Spark-style `setX(value)` / `getX()` for every param in `P`, as a type. Pair it with `defineAccessors` through
 * declaration merging (`interface TokenizerModel extends Accessors<...> {}`), so classes that share many params
 * need not repeat one-line setters. `Own` names the accessors a class writes itself (other signatures).
 */
export type Accessors<P, Self, Own extends string = never> = Omit<
  {
    [K in keyof P & string as `set${Capital<K>}`]: (value: P[K]) => Self;
  } & {
    [K in keyof P & string as `get${Capital<K>}`]: () => P[K];
  },
  Own
>;

/** Installs `setX`/`getX` on a class's prototype for the named params, leaving methods the class defines itself. */
export function defineAccessors(target: { prototype: object }, names: readonly string[]): void {
  for (const name of names) {
    const suffix = name.charAt(0).toUpperCase() + name.slice(1);
    const proto = target.prototype as Record<string, unknown>;
    if (!(`set${suffix}` in proto)) {
      Object.defineProperty(proto, `set${suffix}`, {
        value(this: Params<Record<string, unknown>>, value: unknown) {
          return this.set(name, value);
        },
        writable: true,
        configurable: true,
      });
    }
    if (!(`get${suffix}` in proto)) {
      Object.defineProperty(proto, `get${suffix}`, {
        value(this: Params<Record<string, unknown>>) {
          return this.get(name);
        },
        writable: true,
        configurable: true,
      });
    }
  }
}
