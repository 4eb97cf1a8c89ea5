"""STAND-IN converter: aci-train / aci-dev notes.jsonl -> CoNLL + manifest, using the stand-in tokeniser.

The TypeScript corpus readers will produce this directory for every corpus; this only covers the two ACI
sets so training could start before it existed. The real converter is tools/corpora (it writes
tools/out/conll); this one writes tools/out/conll-standin so it never clobbers it.
Usage: /usr/bin/python3 -m tools.train.standin_conll [--out tools/out/conll-standin]
"""
import argparse
import json
from pathlib import Path

from . import paths
from .conll import LABELS, write_conll
from .standin_tokenize import tokenize_document

SETS = {"aci-train": "train", "aci-dev": "dev"}


def note_to_sentences(note, stats):
    ents = note["entities"]
    out = []
    for sent in tokenize_document(note["text"]):
        tags = ["O"] * len(sent)
        out.append(([t for t, _, _ in sent], tags, sent))
    # Tag tokens inside each entity; count entities whose edges fall inside a token (lost by BIO).
    flat = [(i, j, s, e) for i, (_, _, sent) in enumerate(out) for j, (_, s, e) in enumerate(sent)]
    for ent in ents:
        inside = [(i, j, s, e) for i, j, s, e in flat if s < ent["end"] and e > ent["start"]]
        stats["entities"] += 1
        if not inside:
            stats["no_tokens"] += 1
            continue
        if inside[0][2] != ent["start"] or inside[-1][3] != ent["end"]:
            stats["misaligned"] += 1
        if len({i for i, *_ in inside}) > 1:
            stats["cross_sentence"] += 1
        prev_sent = None
        for i, j, _, _ in inside:
            out[i][1][j] = ("I-" if prev_sent == i else "B-") + ent["label"]
            prev_sent = i
    return [(toks, tags) for toks, tags, _ in out]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(paths.OUT / "conll-standin"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"sources": {}}
    for name, split in SETS.items():
        stats = {"entities": 0, "misaligned": 0, "no_tokens": 0, "cross_sentence": 0}
        notes = [json.loads(l) for l in open(paths.NER_DIR / name / "notes.jsonl", encoding="utf-8")]
        docs = [note_to_sentences(n, stats) for n in notes]
        fname = f"{name}.{split}.conll"
        write_conll(out / fname, docs)
        manifest["sources"][name] = {"labels": list(LABELS), "files": {split: fname}}
        n_sent = sum(len(d) for d in docs)
        n_tok = sum(len(t) for d in docs for t, _ in d)
        print(f"{fname}: {len(docs)} docs, {n_sent} sentences, {n_tok} tokens, {stats}")
    manifest["generatedBy"] = "tools/train/standin_conll.py (stand-in tokeniser)"
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
