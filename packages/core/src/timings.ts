/** Wall time per stage, summed over batches; the Arrow encoding step is reported as its own entry. */
export class StageTimings {
  private readonly ms = new Map<string, number>();

  add(stage: string, milliseconds: number): void {
    this.ms.set(stage, (this.ms.get(stage) ?? 0) + milliseconds);
  }

  /** Runs `fn` and books its time under `stage`. */
  async time<T>(stage: string, fn: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.ms);
  }
}
