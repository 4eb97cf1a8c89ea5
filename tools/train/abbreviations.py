"""Document-level abbreviation propagation: a sentence-level tagger cannot see that "AKI" three sentences on was
defined as "acute kidney injury (AKI)". Short form / long form pairs are found with Schwartz & Hearst's algorithm
(PSB 2003) over tokens; when the tagger gave the long form a label, every untagged occurrence of the short form in
the document gets it too.

  /usr/bin/python3 -m tools.train.abbreviations GOLD.conll PRED.conll --labels PROBLEM   # scores before and after
"""
import argparse

from .conll import chunks, read_conll
from .evaluate import chunk_scores, format_chunks

OPEN, CLOSE = "(", ")"


def is_short_form(token):
    """A candidate short form: 2-10 characters, a letter among them, starting with a letter or digit."""
    return 2 <= len(token) <= 10 and any(c.isalpha() for c in token) and token[0].isalnum()


def long_form_start(short, words):
    """Schwartz & Hearst's match: the index of the first word of the shortest long form ending at `words[-1]` whose
    letters contain the short form's letters and digits in order, the first of them at the start of a word. None when
    there is no match."""
    text = " ".join(words)
    s, t = len(short) - 1, len(text) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        # Walk left to the next match; the short form's first character must also start a word.
        while t >= 0 and (text[t].lower() != c or (s == 0 and t > 0 and text[t - 1].isalnum())):
            t -= 1
        if t < 0:
            return None
        s -= 1
        t -= 1
    start_char = text.rfind(" ", 0, t + 1) + 1
    return text[:start_char].count(" ")


def definitions(sentence_tokens):
    """(short form, long form start, long form end exclusive, short form index) for each "long form ( SF )"."""
    out = []
    toks = sentence_tokens
    for i in range(1, len(toks) - 2):
        # ")." and ")," are one token for the default Tokenizer.
        if toks[i] != OPEN or not toks[i + 2].startswith(CLOSE) or not is_short_form(toks[i + 1]):
            continue
        short = toks[i + 1]
        n = min(len(short) + 5, len(short) * 2)
        window_start = max(0, i - n)
        words = toks[window_start:i]
        if not words:
            continue
        start = long_form_start(short, words)
        if start is not None and "".join(words[start:]).lower() != short.lower():
            out.append((short, window_start + start, i, i + 1))
    return out


def propagate(doc_tokens, doc_tags):
    """doc_tokens/doc_tags: one document's sentences (lists of tokens and BIO2 tags). Returns new tag lists: each
    untagged occurrence of a short form whose long form ends a predicted chunk gets that chunk's label."""
    labels_of = {}
    for toks, tags in zip(doc_tokens, doc_tags):
        spans = chunks(tags)
        for short, lf_start, lf_end, _ in definitions(toks):
            for label, start, end in spans:
                if end == lf_end and start >= lf_start:
                    labels_of.setdefault(short, label)
    if not labels_of:
        return [list(t) for t in doc_tags]
    out = []
    for toks, tags in zip(doc_tokens, doc_tags):
        new = list(tags)
        for i, tok in enumerate(toks):
            label = labels_of.get(tok)
            if label and new[i] == "O":
                new[i] = f"B-{label}"
                if i + 1 < len(new) and new[i + 1].startswith("I-"):
                    new[i + 1] = "B-" + new[i + 1][2:]  # keep the next chunk as it was
        out.append(new)
    return out


def propagate_sentences(sents, pred):
    """Propagation over a file's sentences (grouped into documents by `Sentence.doc`); returns tags per sentence."""
    out, i = [], 0
    while i < len(sents):
        j = i
        while j < len(sents) and sents[j].doc == sents[i].doc:
            j += 1
        out += propagate([s.tokens for s in sents[i:j]], pred[i:j])
        i = j
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("pred", help="the same sentences with predicted tags (infer_onnx --pred)")
    ap.add_argument("--labels", nargs="+", default=["PROBLEM", "TEST", "TREATMENT"])
    args = ap.parse_args(argv)
    gold, pred = read_conll(args.gold), read_conll(args.pred)
    assert [s.tokens for s in gold] == [s.tokens for s in pred], "gold and predictions differ in tokens"
    before = [s.tags for s in pred]
    after = propagate_sentences(gold, before)
    print("predicted:\n" + format_chunks(chunk_scores([s.tags for s in gold], before, args.labels)))
    print("with abbreviations propagated:\n" + format_chunks(chunk_scores([s.tags for s in gold], after, args.labels)))


if __name__ == "__main__":
    main()
