/**
 * Linear-chain CRF decoding over emission scores [T][K] (row-major Float32Array) with the transition scores the
 * trainer exported. Viterbi gives the best path; forward–backward gives each token's marginal tag
 * probabilities, which is what Kindling reports as confidence.
 */
export class CrfDecoder {
  readonly k: number;
  private readonly trans: Float64Array;

  constructor(
    transitions: readonly (readonly number[])[],
    private readonly start: readonly number[],
    private readonly end: readonly number[],
  ) {
    this.k = start.length;
    this.trans = Float64Array.from(transitions.flat());
  }

  /** Best tag path for emissions of `length` tokens. */
  viterbi(emissions: Float32Array, length: number): Int32Array {
    const k = this.k;
    const path = new Int32Array(length);
    if (length === 0) return path;
    let score = new Float64Array(k);
    let next = new Float64Array(k);
    const back = new Int32Array(length * k);
    for (let j = 0; j < k; j++) score[j] = this.start[j]! + emissions[j]!;
    for (let t = 1; t < length; t++) {
      for (let j = 0; j < k; j++) {
        let best = -Infinity;
        let arg = 0;
        for (let i = 0; i < k; i++) {
          const s = score[i]! + this.trans[i * k + j]!;
          if (s > best) {
            best = s;
            arg = i;
          }
        }
        next[j] = best + emissions[t * k + j]!;
        back[t * k + j] = arg;
      }
      [score, next] = [next, score];
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
  marginals(emissions: Float32Array, length: number): Float64Array {
    const k = this.k;
    const alpha = new Float64Array(length * k);
    const beta = new Float64Array(length * k);
    const terms = new Float64Array(k);
    for (let j = 0; j < k; j++) alpha[j] = this.start[j]! + emissions[j]!;
    for (let t = 1; t < length; t++) {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < k; i++) terms[i] = alpha[(t - 1) * k + i]! + this.trans[i * k + j]!;
        alpha[t * k + j] = logSumExp(terms) + emissions[t * k + j]!;
      }
    }
    for (let j = 0; j < k; j++) beta[(length - 1) * k + j] = this.end[j]!;
    for (let t = length - 2; t >= 0; t--) {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) terms[j] = this.trans[i * k + j]! + emissions[(t + 1) * k + j]! + beta[(t + 1) * k + j]!;
        beta[t * k + i] = logSumExp(terms);
      }
    }
    const out = new Float64Array(length * k);
    for (let t = 0; t < length; t++) {
      for (let j = 0; j < k; j++) terms[j] = alpha[t * k + j]! + beta[t * k + j]!;
      const z = logSumExp(terms);
      for (let j = 0; j < k; j++) out[t * k + j] = Math.exp(terms[j]! - z);
    }
    return out;
  }
}

function logSumExp(values: Float64Array): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
