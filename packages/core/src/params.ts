import { NotSupportedError, ParamError } from "./errors.js";

/** One declared param: its default, what it does, and an optional check that returns a problem or undefined. */
export interface ParamSpec<T> {
  readonly default: T;
  readonly doc: string;
  readonly validate?: (value: T) => string | undefined;
}

export type ParamSpecs<P> = { readonly [K in keyof P]: ParamSpec<P[K]> };

export function param<T>(defaultValue: T, doc: string, validate?: (value: NoInfer<T>) => string | undefined): ParamSpec<T> {
  return validate ? { default: defaultValue, doc, validate } : { default: defaultValue, doc };
}

/** Reusable validators. */
export const check = {
  nonNegativeInt: (v: number) => (Number.isInteger(v) && v >= 0 ? undefined : `must be a non-negative integer, got ${v}`),
  positiveInt: (v: number) => (Number.isInteger(v) && v > 0 ? undefined : `must be a positive integer, got ${v}`),
  stringList: (v: readonly string[]) =>
    Array.isArray(v) && v.every((s) => typeof s === "string") ? undefined : `must be a list of strings, got ${JSON.stringify(v)}`,
  oneOf:
    <T extends string>(...allowed: readonly T[]) =>
    (v: T) =>
      allowed.includes(v) ? undefined : `must be one of ${allowed.join(", ")}; got "${v}"`,
  regex: (v: string) => {
    try {
      new RegExp(v, "u");
      return undefined;
    } catch (e) {
      return `is not a valid regular expression: ${(e as Error).message}`;
    }
  },
  regexList: (v: readonly string[]) => {
    for (const r of v) {
      const problem = check.regex(r);
      if (problem) return `entry /${r}/ ${problem}`;
    }
    return undefined;
  },
};

/** Params every stage has. */
export interface OutputParams {
  outputCol: string;
}

/** Params of stages that read annotation columns. */
export interface StageParams extends OutputParams {
  inputCols: string[];
}

/**
 * Typed params with defaults, set either Spark-style (`setX(v)` chains) or through an options object given to
 * the constructor. Spark NLP params that Kindling does not implement are listed per class so that setting one
 * fails with a clear error instead of being ignored.
 */
export abstract class Params<P extends object> {
  private readonly values: Partial<P> = {};

  protected constructor(
    private readonly specs: ParamSpecs<P>,
    options: Partial<P> | undefined,
    private readonly unsupportedSparkParams: Readonly<Record<string, string>> = {},
  ) {
    if (options) this.setAll(options);
  }

  /** The class name shown in messages and stored on save. */
  abstract get stageName(): string;

  get<K extends keyof P>(name: K): P[K] {
    return name in this.values ? (this.values[name] as P[K]) : this.specs[name].default;
  }

  set<K extends keyof P>(name: K, value: P[K]): this {
    const spec = this.specs[name] as ParamSpec<P[K]> | undefined;
    if (!spec) throw new ParamError(this.stageName, String(name), "is not a param of this stage");
    const problem = spec.validate?.(value);
    if (problem) throw new ParamError(this.stageName, String(name), problem);
    this.values[name] = value;
    return this;
  }

  /** Applies an options object; unknown keys and unsupported Spark params are errors. */
  setAll(options: Partial<P> | Record<string, unknown>): this {
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (!(key in this.specs)) {
        const hint = this.unsupportedSparkParams[key];
        if (hint !== undefined) throw new NotSupportedError(this.stageName, key, hint);
        throw new ParamError(this.stageName, key, `is unknown; known params: ${Object.keys(this.specs).join(", ")}`);
      }
      this.set(key as keyof P, value as P[keyof P]);
    }
    return this;
  }

  isSet(name: keyof P): boolean {
    return name in this.values;
  }

  /** Every param with its current value, defaults included (what `save` writes). */
  paramValues(): P {
    const out = {} as P;
    for (const key of Object.keys(this.specs) as (keyof P)[]) out[key] = this.get(key);
    return out;
  }

  /** Spark's `explainParams()`: one line per param with its doc, default and current value. */
  explainParams(): string {
    return (Object.keys(this.specs) as (keyof P)[])
      .map((k) => `${String(k)}: ${this.specs[k].doc} (default: ${JSON.stringify(this.specs[k].default)}${this.isSet(k) ? `, current: ${JSON.stringify(this.get(k))}` : ""})`)
      .join("\n");
  }

  /** For Spark setters that exist in Spark NLP but are not implemented here. */
  protected unsupported(name: string): never {
    throw new NotSupportedError(this.stageName, name, this.unsupportedSparkParams[name]);
  }
}
