"""Pseudo-labelled sentences for knowledge distillation (sequence-level, Kim & Rush 2016): a teacher model, usually
tools/train/ensemble.py's ensemble of several seeds, tags unlabelled sentences of the vectors' text, and one student
model trains on them beside the gold data (`train.py --sources bc5cdr bc5cdr-kd --conll-dir OUT`).

  /usr/bin/python3 -m tools.train.pseudo_label TEACHER_DIR --embeddings tools/out/embeddings-v200t-punct \\
      --conll-dir tools/out/conll-punct --tokens tools/out/text-punct/tokens.txt.gz \\
      --text-files ohsumed medical_abstracts --sentences 8000 --name bc5cdr-kd --labels PROBLEM --out tools/out/kd/bc5cdr

OUT is a CoNLL directory: the manifest of --conll-dir with one more source (NAME, train split only, the teacher
and text recorded under `pseudoLabelled`), NAME.train.conll, and links to the other sources' files. Sentences that
occur in any dev or test split of --conll-dir are never drawn: the student must not see held-out text.
"""
import argparse
import gzip
import hashlib
import json
import os
import random
from pathlib import Path

from .conll import read_conll, read_manifest, write_conll


def text_sentences(tokens_path, file_names):
    """Tokenised sentences of the vectors' text (one per line) that come from the given text files, in order. The
    tools/corpora JSON beside the tokens file gives each file's sentence count, in the order they were written."""
    tokens_path = Path(tokens_path)
    info = json.loads(Path(f"{tokens_path}.json").read_text())["files"]
    known = [Path(f["file"]).name.split(".")[0] for f in info]
    unknown = sorted(set(file_names) - set(known))
    if unknown:
        raise SystemExit(f"{tokens_path}: no text file named {', '.join(unknown)}; it has {', '.join(known)}")
    opener = gzip.open if tokens_path.suffix == ".gz" else open
    with opener(tokens_path, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != sum(f["sentences"] for f in info):
        raise SystemExit(f"{tokens_path}: {len(lines)} sentences, but its JSON counts "
                         f"{sum(f['sentences'] for f in info)}: rebuild both with the corpora CLI")
    out, start = [], 0
    for name, f in zip(known, info):
        if name in file_names:
            out += [line.split(" ") for line in lines[start:start + f["sentences"]]]
        start += f["sentences"]
    return out


def held_out_sentences(conll_dir):
    """Every sentence of every dev and test split in the manifest, as its space-joined tokens."""
    held = set()
    for entry in read_manifest(conll_dir).values():
        for split in ("dev", "test"):
            if split in entry["files"]:
                held |= {" ".join(s.tokens) for s in read_conll(Path(conll_dir) / entry["files"][split])}
    return held


def draw(sentences, held, n, seed, min_tokens=5, max_tokens=80):
    """A seeded sample of n distinct sentences of min_tokens..max_tokens tokens, none of them held out."""
    seen, pool = set(held), []
    for toks in sentences:
        key = " ".join(toks)
        if min_tokens <= len(toks) <= max_tokens and key not in seen:
            seen.add(key)
            pool.append(toks)
    random.Random(seed).shuffle(pool)
    return pool[:n]


def only_labels(tags, labels):
    """The teacher's tags with every label outside `labels` turned into O (the source annotates only those)."""
    return [t if t == "O" or t[2:] in labels else "O" for t in tags]


def write_corpus(conll_dir, out, name, labels, sentences, tags, provenance):
    """OUT: the source manifest plus NAME (train split only), NAME.train.conll, links to the other files."""
    conll_dir, out = Path(conll_dir).resolve(), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((conll_dir / "manifest.json").read_text())
    sources = manifest["sources"]
    if name in sources:
        raise SystemExit(f"{conll_dir}/manifest.json already has a source named {name!r}")
    for entry in sources.values():
        for file in entry["files"].values():
            link = out / file
            if link.is_symlink() or link.exists():
                link.unlink()
            os.symlink(conll_dir / file, link)
    train = f"{name}.train.conll"
    write_conll(out / train, [list(zip(sentences, tags))])
    sources[name] = {"labels": list(labels), "files": {"train": train}, "pseudoLabelled": provenance}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return sources[name]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("teacher", help="an exported model directory (an ensemble's, or a run's export/)")
    ap.add_argument("--embeddings", required=True, help="the teacher's vectors")
    ap.add_argument("--conll-dir", required=True, help="the corpora the student trains on (tools/corpora's output)")
    ap.add_argument("--tokens", required=True, help="the vectors' tokenised text (tools/out/text*/tokens.txt.gz)")
    ap.add_argument("--text-files", nargs="+", required=True, help="which of its text files to draw from (names)")
    ap.add_argument("--sentences", type=int, default=8000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--name", required=True, help="the new source's name")
    ap.add_argument("--labels", nargs="+", required=True, help="labels the pseudo-labelled source annotates")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    from .infer_onnx import OnnxTagger
    held = held_out_sentences(args.conll_dir)
    sentences = draw(text_sentences(args.tokens, args.text_files), held, args.sentences, args.seed)
    teacher = OnnxTagger(args.teacher, "model.onnx", args.embeddings)
    tags = [only_labels(t, args.labels) for t in teacher.tag(sentences)]
    sha = hashlib.sha256((Path(args.teacher) / "model.onnx").read_bytes()).hexdigest()
    provenance = {"teacher": str(args.teacher), "teacherSha256": sha, "textFiles": args.text_files,
                  "sentences": len(sentences), "seed": args.seed,
                  "mentions": sum(t.startswith("B-") for s in tags for t in s)}
    entry = write_corpus(args.conll_dir, args.out, args.name, args.labels, sentences, tags, provenance)
    print(f"{args.out}: {args.name} = {entry['pseudoLabelled']['sentences']} sentences, "
          f"{entry['pseudoLabelled']['mentions']} mentions from {args.teacher}")


if __name__ == "__main__":
    main()
