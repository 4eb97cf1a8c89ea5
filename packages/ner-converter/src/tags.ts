/**
 * Tag sequences to entity spans. One decoder reads IOB (IOB1), IOB2, BIOES and BILOU, since the prefixes do
 * not conflict: a tag is `O`, or `<prefix>-<label>` with prefix B, I, E, S (or L, U for BILOU's E and S).
 */

/** A run of tokens forming one entity: token indices within the sentence, both inclusive. */
export interface TagSpan {
  readonly first: number;
  readonly last: number;
  readonly label: string;
}

type Role = "outside" | "begin" | "inside" | "end" | "single";

const ROLE_OF_PREFIX: Readonly<Record<string, Role>> = { B: "begin", I: "inside", E: "end", L: "end", S: "single", U: "single" };

/** `O`, and the empty tag a token without a named_entity annotation would otherwise get. */
const isOutside = (tag: string) => tag === "O" || tag === "";

function parseTag(tag: string): { role: Role; label: string } {
  if (isOutside(tag)) return { role: "outside", label: "" };
  const role = tag[1] === "-" && tag.length > 2 ? ROLE_OF_PREFIX[tag[0]!] : undefined;
  // A tag without a known prefix (an IO-scheme "PROBLEM", or a malformed "B-") is read as its own label,
  // continuing a run of the same tag: the lenient reading, where Spark would take `tag.substring(2)`.
  return role ? { role, label: tag.slice(2) } : { role: "inside", label: tag };
}

/**
 * Decodes IOB-family tags into spans. Unlike Spark NLP's NerConverter, which only closes a chunk at `B-` or
 * `O`, a change of label also closes it (`I-TEST I-PROBLEM` is two chunks), so a chunk has exactly one label.
 * - `B-X` always starts a chunk; `I-X` continues a chunk of X or starts one (IOB1 style, and IOB2 repairs);
 * - `E-X` ends the current chunk of X (or is a one-token chunk); `S-X` is a one-token chunk;
 * - `O` ends any chunk.
 */
export function decodeIob(tags: readonly string[]): TagSpan[] {
  const spans: TagSpan[] = [];
  let open: { first: number; label: string } | undefined;
  const close = (last: number) => {
    if (open) spans.push({ first: open.first, last, label: open.label });
    open = undefined;
  };
  tags.forEach((tag, i) => {
    const { role, label } = parseTag(tag);
    if (role === "outside") return close(i - 1);
    const continues = open?.label === label && (role === "inside" || role === "end");
    if (!continues) {
      close(i - 1);
      open = { first: i, label };
    }
    if (role === "end" || role === "single") close(i);
  });
  close(tags.length - 1);
  return spans;
}

/**
 * Spark's `nerHasNoSchema`: tags carry no prefix, every tag but `O` is a label and a run of equal tags is one
 * chunk (so `B-X B-X` is ONE chunk labelled "B-X").
 */
export function decodeSchemaless(tags: readonly string[]): TagSpan[] {
  const spans: TagSpan[] = [];
  let first = -1;
  for (let i = 0; i <= tags.length; i++) {
    const tag = i < tags.length && !isOutside(tags[i]!) ? tags[i]! : undefined;
    if (first >= 0 && tag !== tags[first]) {
      spans.push({ first, last: i - 1, label: tags[first]! });
      first = -1;
    }
    if (first < 0 && tag !== undefined) first = i;
  }
  return spans;
}
