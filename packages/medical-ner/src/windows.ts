/** One inference window over a long sentence: tokens [start, end) run together; [keepFrom, keepTo) are kept. */
export interface InferenceWindow {
  start: number;
  end: number;
  keepFrom: number;
  keepTo: number;
}

/**
 * Windows of at most `size` tokens overlapping by `overlap`, as the trainer defines them
 * (tools/train/data.py `inference_windows`): each token's emissions come from exactly one window, switching at the
 * middle of each overlap, so every token sees at least overlap/2 tokens of context on both sides. Long sentences
 * are never truncated.
 */
export function inferenceWindows(n: number, size: number, overlap: number): InferenceWindow[] {
  if (n <= size) return [{ start: 0, end: n, keepFrom: 0, keepTo: n }];
  const stride = size - overlap;
  const starts: number[] = [];
  for (let s = 0; s < n - size; s += stride) starts.push(s);
  starts.push(n - size);
  return starts.map((s, i) => ({
    start: s,
    end: s + size,
    keepFrom: i === 0 ? 0 : Math.floor((s + starts[i - 1]! + size) / 2),
    keepTo: i === starts.length - 1 ? n : Math.floor((starts[i + 1]! + s + size) / 2),
  }));
}
