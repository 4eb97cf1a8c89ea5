"""Token -> char ids, exactly as the TypeScript side must compute them (see README.md, "Char ids").

- A token is split into Unicode code points (JS: Array.from(token)); no case folding or normalisation.
- Tokens longer than max_chars keep their first max_chars//2 and last max_chars - max_chars//2 code
  points (prefix and suffix carry the most signal: "hydrochlorothiazide", "-ectomy").
- id = charVocab[ch], or 1 (unk) if absent; 0 pads a token to the batch's widest token.
"""
from collections import Counter

PAD, UNK = 0, 1


def clip(token, max_chars):
    cps = list(token)
    if len(cps) > max_chars:
        head = max_chars // 2
        cps = cps[:head] + cps[len(cps) - (max_chars - head):]
    return cps


def build_vocab(token_lists, min_count=2):
    """{char: id} from training tokens only; ids from 2, by descending frequency then code point."""
    counts = Counter(ch for toks in token_lists for tok in toks for ch in tok)
    keep = sorted((c for c, n in counts.items() if n >= min_count), key=lambda c: (-counts[c], c))
    return {c: i + 2 for i, c in enumerate(keep)}


def encode(token, vocab, max_chars):
    return [vocab.get(ch, UNK) for ch in clip(token, max_chars)]


def char_classes(vocab):
    """Per char id: [upper, lower, digit] flags, used by the in-model casing features."""
    rows = [[0.0, 0.0, 0.0] for _ in range(len(vocab) + 2)]
    for ch, i in vocab.items():
        rows[i] = [float(ch.isupper()), float(ch.islower()), float(ch.isdigit())]
    return rows
