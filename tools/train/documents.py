"""Document-level sequences: a copy of a CoNLL directory in which each document of the chosen sources is one
sequence, so that the BiLSTM reads a whole abstract at once. An abbreviation and its definition, or a disease named
in the title and again in the last sentence, are then in the same window (up to `--window` tokens at training and
inference; longer documents are cut into windows as long sentences are).

  /usr/bin/python3 -m tools.train.documents tools/out/conll-punct --sources bc5cdr ncbi-disease \\
      --out tools/out/conll-punct-doc

OUT keeps only the named sources; their manifest entries say `"context": "document"`. Gold chunks are unchanged by
the merge: a sentence never starts inside a mention in these files (checked), so strict scores stay comparable.
"""
import argparse
import json
from pathlib import Path

from .conll import Sentence, read_conll, write_conll


def merge_documents(sents):
    """One Sentence per document, in order. A sentence starting with I-X would join the previous sentence's mention,
    which the sentence-level file counts as two: refuse it rather than change what is scored."""
    out = []
    for s in sents:
        if s.tags and s.tags[0].startswith("I-"):
            raise ValueError(f"{s.source} document {s.doc}: a sentence starts inside a mention ({' '.join(s.tokens[:8])} ...)")
        if out and out[-1].doc == s.doc and out[-1].source == s.source:
            out[-1].tokens += s.tokens
            out[-1].tags += s.tags
        else:
            out.append(Sentence(list(s.tokens), list(s.tags), s.source, s.doc))
    return out


def write_documents(conll_dir, out, sources):
    """OUT/manifest.json with the named sources (`context: document`) and their files, one sequence per document."""
    conll_dir, out = Path(conll_dir), Path(out)
    manifest = json.loads((conll_dir / "manifest.json").read_text())
    missing = sorted(set(sources) - set(manifest["sources"]))
    if missing:
        raise SystemExit(f"{conll_dir}/manifest.json has no source {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in sources:
        entry = manifest["sources"][name]
        for split, file in entry["files"].items():
            docs = merge_documents(read_conll(conll_dir / file, name))
            write_conll(out / file, [[(d.tokens, d.tags)] for d in docs])
            counts[f"{name}.{split}"] = (len(docs), max(len(d.tokens) for d in docs))
    kept = {name: {**manifest["sources"][name], "context": "document"} for name in sources}
    (out / "manifest.json").write_text(json.dumps({**manifest, "sources": kept}, indent=1) + "\n")
    return counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("conll_dir", help="a sentence-level CoNLL directory (tools/corpora's output)")
    ap.add_argument("--sources", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    for name, (docs, longest) in write_documents(args.conll_dir, args.out, args.sources).items():
        print(f"{name}: {docs} documents, longest {longest} tokens")


if __name__ == "__main__":
    main()
