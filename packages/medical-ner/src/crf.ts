/**
 * Linear-chain CRF decoding over emission scores [T][K] (row-major Float32Array) with the transition scores the
 * trainer exported. Viterbi gives the best path; forward–backward gives each token's marginal tag
 * probabilities, which is what Kindling reports as confidence.
 *
 * Scratch buffers live on the decoder and grow to the longest sentence seen, so decoding a batch allocates
 * nothing per sentence. The methods are synchronous: one decoder can serve interleaved async batches.
 */
export class CrfDecoder {
  readonly k: number;
  private readonly trans: Float64Array;
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private score: Float64Array;
  private next: Float64Array;
  private readonly terms: Float64Array;
  private back = new Int32Array(0);
  private alpha = new Float64Array(0);
  private beta = new Float64Array(0);
  /** Per token, log of the sum over tags of alpha·beta (the log partition function seen from that token). */
  private logZ = new Float64Array(0);

  constructor(transitions: readonly (readonly number[])[], start: readonly number[], end: readonly number[]) {
    this.k = start.length;
    this.trans = Float64Array.from(transitions.flat());
    this.start = Float64Array.from(start);
    this.end = Float64Array.from(end);
    this.score = new Float64Array(this.k);
    this.next = new Float64Array(this.k);
    this.terms = new Float64Array(this.k);
  }

  /**
   * Best tag path for the `length` tokens whose emissions start at row `first`, written into `path` (a new array
   * if not given). `first` lets a batch keep all its sentences' emissions in one array.
   */
  viterbi(emissions: Float32Array, length: number, path: Int32Array = new Int32Array(length), first = 0): Int32Array {
    const { k, trans } = this;
    if (length === 0) return path;
    const e = first * k;
    if (this.back.length < length * k) this.back = new Int32Array(growTo(this.back.length, length * k));
    const back = this.back;
    let score = this.score;
    let next = this.next;
    for (let j = 0; j < k; j++) score[j] = this.start[j]! + emissions[e + j]!;
    for (let t = 1; t < length; t++) {
      for (let j = 0; j < k; j++) {
        let best = -Infinity;
        let arg = 0;
        for (let i = 0; i < k; i++) {
          const s = score[i]! + trans[i * k + j]!;
          if (s > best) {
            best = s;
            arg = i;
          }
        }
        next[j] = best + emissions[e + t * k + j]!;
        back[t * k + j] = arg;
      }
      const swap = score;
      score = next;
      next = swap;
    }
    let best = -Infinity;
    for (let j = 0; j < k; j++) {
      const s = score[j]! + this.end[j]!;
      if (s > best) {
        best = s;
        path[length - 1] = j;
      }
    }
    for (let t = length - 1; t > 0; t--) path[t - 1] = back[t * k + path[t]!]!;
    return path;
  }

  /** Marginal probability of every tag at every token, [T][K] row-major (forward–backward in log space). */
  marginals(emissions: Float32Array, length: number, out: Float64Array = new Float64Array(length * this.k), first = 0): Float64Array {
    const k = this.k;
    this.forwardBackward(emissions, first * k, length);
    const { alpha, beta, logZ } = this;
    for (let t = 0; t < length; t++) {
      for (let j = 0; j < k; j++) out[t * k + j] = Math.exp(alpha[t * k + j]! + beta[t * k + j]! - logZ[t]!);
    }
    return out;
  }

  /**
   * The marginal probability of `path[t]` at each token t, written into `out[t]`: the same numbers as
   * `marginals(...)[t * k + path[t]]`, without the exponentials of the other tags.
   */
  pathMarginals(emissions: Float32Array, length: number, path: Int32Array, out: Float64Array = new Float64Array(length), first = 0): Float64Array {
    const k = this.k;
    this.forwardBackward(emissions, first * k, length);
    const { alpha, beta, logZ } = this;
    for (let t = 0; t < length; t++) {
      const j = path[t]!;
      out[t] = Math.exp(alpha[t * k + j]! + beta[t * k + j]! - logZ[t]!);
    }
    return out;
  }

  /**
   * Fills alpha, beta and logZ for `length` tokens whose emissions start at index `e`. The arithmetic (operand
   * order, the max-shifted log-sum-exp) is fixed: confidences are printed to 4 decimals and must not move when
   * this code does.
   */
  private forwardBackward(emissions: Float32Array, e: number, length: number): void {
    const { k, trans, terms } = this;
    if (this.alpha.length < length * k) {
      const size = growTo(this.alpha.length, length * k);
      this.alpha = new Float64Array(size);
      this.beta = new Float64Array(size);
      this.logZ = new Float64Array(size / k);
    }
    const { alpha, beta, logZ } = this;
    for (let j = 0; j < k; j++) alpha[j] = this.start[j]! + emissions[e + j]!;
    for (let t = 1; t < length; t++) {
      const prev = (t - 1) * k;
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < k; i++) terms[i] = alpha[prev + i]! + trans[i * k + j]!;
        alpha[t * k + j] = logSumExp(terms, k) + emissions[e + t * k + j]!;
      }
    }
    for (let j = 0; j < k; j++) beta[(length - 1) * k + j] = this.end[j]!;
    for (let t = length - 2; t >= 0; t--) {
      const nextRow = (t + 1) * k;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) terms[j] = trans[i * k + j]! + emissions[e + nextRow + j]! + beta[nextRow + j]!;
        beta[t * k + i] = logSumExp(terms, k);
      }
    }
    for (let t = 0; t < length; t++) {
      for (let j = 0; j < k; j++) terms[j] = alpha[t * k + j]! + beta[t * k + j]!;
      logZ[t] = logSumExp(terms, k);
    }
  }
}

/**
 * log(Σ exp(values[0..n))), shifted by the max. Terms more than 746 below the max are skipped: Math.exp returns
 * exactly 0 for them (forbidden BIO transitions score -10000), so skipping changes no bit of the sum and saves
 * the call. `!(d < -746)` lets NaN through, as the unskipped sum would.
 */
function logSumExp(values: Float64Array, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (values[i]! > max) max = values[i]!;
  if (max === -Infinity) return max;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - max;
    if (!(d < -746)) sum += Math.exp(d);
  }
  return max + Math.log(sum);
}

/** Capacity for `needed` elements, doubling so a batch of growing sentences reallocates O(log n) times. */
function growTo(current: number, needed: number): number {
  return Math.max(needed, current * 2);
}
