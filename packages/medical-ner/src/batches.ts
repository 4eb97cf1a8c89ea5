/** Something that runs through the network in one batch slot: `length` tokens, the widest `width` characters. */
export interface BatchItem {
  readonly length: number;
  readonly width: number;
}

/** Width classes as fractions of maxChars: with 20 characters, tokens up to 8, 12, 16 and 20 characters. */
const WIDTH_CLASS_EDGES = [0.4, 0.6, 0.8];

/**
 * Groups items into ONNX Runtime calls of at most `batchSize`. A batch's char tensor is as wide as its widest
 * token and the char CNN works on every padded cell, so items are first split by the width class of their widest
 * token, then sorted by length within the class (padding). On MTSamples at 32 per batch this trades 8 points of
 * char padding for 2 of token padding and saves about 5% of the network's time (README, Performance). Results do
 * not depend on it: emissions are bit-identical in any batch of two or more items.
 */
export function planBatches<T extends BatchItem>(items: readonly T[], batchSize: number, maxChars: number): T[][] {
  const edges = WIDTH_CLASS_EDGES.map((f) => Math.ceil(f * maxChars));
  const widthClass = (w: number) => {
    let c = 0;
    while (c < edges.length && w > edges[c]!) c++;
    return c;
  };
  const keyed = items.map((item) => ({ item, widthClass: widthClass(item.width) }));
  keyed.sort((a, b) => b.widthClass - a.widthClass || b.item.length - a.item.length);
  const batches: T[][] = [];
  let batch: T[] = [];
  let batchClass = -1;
  for (const { item, widthClass } of keyed) {
    if (batch.length === batchSize || (batch.length > 0 && widthClass !== batchClass)) {
      batches.push(batch);
      batch = [];
    }
    batch.push(item);
    batchClass = widthClass;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
