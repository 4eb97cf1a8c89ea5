"""Domain word vectors: tokenise the shared text corpora, train gensim Word2Vec/FastText, export.

  /usr/bin/python3 -m tools.train.vectors                      # skip-gram 100-d -> tools/out/embeddings
  /usr/bin/python3 -m tools.train.vectors --algo fasttext --out tools/out/embeddings-ft
  /usr/bin/python3 -m tools.train.vectors --smoke              # 1 epoch (stand-in corpus: 2k docs per file)

Input: a tokenised text file (optionally .gz), one sentence per line, tokens separated by single spaces.
Default: tools/out/text/tokens.txt.gz, written by Kindling's own tokenizer
(`node tools/corpora/dist/cli.js --tokens-only`). If it is missing, `--tokenize` (or the fallback) builds
tools/out/vectors/corpus.tok.txt with the Python stand-in from data/text/*.txt.gz (never MTSamples).
Output: the kindling-embeddings directory described in README.md.
"""
import argparse
import gzip
import json
import logging
import time
from pathlib import Path

import numpy as np

from . import embeddings, paths
from .conll import auxiliary_sources, read_conll, read_manifest
from .standin_tokenize import split_sentences, tokenize

KINDLING_TOKENS = paths.OUT / "text" / "tokens.txt.gz"
STANDIN_CORPUS = paths.OUT / "vectors" / "corpus.tok.txt"


def tokenize_corpus(out_path, max_lines=None):
    """STAND-IN: data/text/*.txt.gz -> one tokenised sentence per line (original case)."""
    files = sorted(p for p in paths.TEXT_DIR.glob("*.txt.gz"))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    n_lines = n_tok = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for p in files:
            with gzip.open(p, "rt", encoding="utf-8") as f:
                for i, doc in enumerate(f):
                    if max_lines and i >= max_lines:
                        break
                    for s, e in split_sentences(doc.rstrip("\n")):
                        toks = [t for t, _, _ in tokenize(doc[s:e])]
                        if toks:
                            out.write(" ".join(toks) + "\n")
                            n_lines += 1
                            n_tok += len(toks)
    print(f"tokenised {[p.name for p in files]} -> {out_path}: {n_lines} sentences, {n_tok} tokens")


class Sentences:
    """Re-iterable corpus for gensim (it streams once for the vocabulary, then once per epoch): the tokenised text,
    then the sentences of any CoNLL files given."""

    def __init__(self, path, lowercase, conll_files=()):
        self.path, self.lowercase, self.conll_files = path, lowercase, list(conll_files)

    def __iter__(self):
        opener = gzip.open if str(self.path).endswith(".gz") else open
        with opener(self.path, "rt", encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                yield (line.lower() if self.lowercase else line).split(" ")
        for path in self.conll_files:
            for sentence in read_conll(path):
                yield [t.lower() for t in sentence.tokens] if self.lowercase else sentence.tokens


def train_split_files(conll_dir):
    """The CoNLL file of every source's train split (never a dev or test split: those select and score models).
    Auxiliary sources are left out: their documents are another source's."""
    manifest, auxiliary = read_manifest(conll_dir), auxiliary_sources(conll_dir)
    return [Path(conll_dir) / entry["files"]["train"] for name, entry in sorted(manifest.items())
            if "train" in entry["files"] and name not in auxiliary]


def kindling_tokenizer(corpus):
    """How the corpora CLI tokenised `corpus`, from the JSON it writes beside it (older files: default params)."""
    info = Path(f"{corpus}.json")
    return json.loads(info.read_text())["generatedBy"] if info.exists() else "Kindling Tokenizer (default params)"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help=f"tokenised text, one sentence per line (default {KINDLING_TOKENS}, "
                                     f"else the stand-in {STANDIN_CORPUS})")
    ap.add_argument("--tokenize", action="store_true", help="(re)build the stand-in corpus and use it")
    ap.add_argument("--out", default=str(paths.EMBEDDINGS_DIR))
    ap.add_argument("--algo", choices=["skipgram", "fasttext"], default="skipgram")
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--max-vocab", type=int, default=40000, help="keep the most frequent words (size cap)")
    ap.add_argument("--case-sensitive", action="store_true", help="default: lowercase for training and lookup")
    ap.add_argument("--dtype", choices=["float16", "float32"], default="float16")
    # Not the shipped name: the shipped embeddings_clinical_open are the release run's fine-tuned copy of these, and
    # a model trained on these (frozen) must not silently get those.
    ap.add_argument("--storage-ref", default="embeddings_clinical_open_base")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--smoke", action="store_true", help="1 epoch (and 2k documents per file for the stand-in corpus)")
    ap.add_argument("--train-text", action="store_true",
                    help="add the (unlabelled) tokens of every source's train split in --conll-dir to the text")
    ap.add_argument("--conll-dir", default=str(paths.CONLL_DIR))
    args = ap.parse_args(argv)
    logging.basicConfig(format="%(asctime)s %(message)s", level=logging.WARNING)

    standin = args.tokenize or (not args.corpus and not KINDLING_TOKENS.exists())
    corpus = STANDIN_CORPUS if standin else Path(args.corpus or KINDLING_TOKENS)
    if args.smoke:
        args.epochs = 1
        args.out = args.out if args.out != str(paths.EMBEDDINGS_DIR) else str(paths.OUT / "embeddings-smoke")
        if standin:
            corpus = corpus.with_name("corpus.smoke.tok.txt")
    if standin:
        print("using the STAND-IN tokeniser (Kindling's tokens file is missing)")
        tokenize_corpus(corpus, max_lines=2000 if args.smoke else None)

    from gensim.models import FastText, Word2Vec  # imported late: slow import

    t0 = time.time()
    extra = train_split_files(args.conll_dir) if args.train_text else []
    sents = Sentences(corpus, lowercase=not args.case_sensitive, conll_files=extra)
    common = dict(vector_size=args.dim, window=args.window, min_count=args.min_count, sg=1, negative=5,
                  sample=1e-4, workers=args.workers, seed=args.seed, epochs=args.epochs,
                  max_final_vocab=args.max_vocab)
    if args.algo == "fasttext":
        model = FastText(sentences=sents, min_n=3, max_n=6, bucket=200000, **common)
    else:
        model = Word2Vec(sentences=sents, **common)
    secs = time.time() - t0
    kv = model.wv
    words = list(kv.index_to_key)[: args.max_vocab]  # already sorted by frequency
    mat = np.stack([kv[w] for w in words])
    meta = embeddings.write(
        args.out, words, mat, storage_ref=args.storage_ref, case_sensitive=args.case_sensitive,
        dtype=args.dtype,
        source={
            "corpus": "shared/data/text/*.txt.gz (medquad, ohsumed, medical_abstracts, craft_ccby, pubmedqa)"
                      + ("; the train splits' tokens: " + ", ".join(p.name for p in extra) if extra else ""),
            "tokenizer": "tools/train/standin_tokenize.py (stand-in)" if standin else kindling_tokenizer(corpus),
            "tokens": str(corpus.relative_to(paths.REPO)) if corpus.is_relative_to(paths.REPO) else str(corpus),
            "algorithm": "word2vec skip-gram" if args.algo == "skipgram" else "fastText skip-gram (subword vectors not exported)",
            "trainer": "gensim", "window": args.window, "epochs": args.epochs, "minCount": args.min_count,
            "maxVocab": args.max_vocab, "seed": args.seed, "oov": "zero vector",
        },
    )
    size = sum(f.stat().st_size for f in Path(args.out).iterdir())
    print(json.dumps(meta))
    print(f"trained {args.algo} in {secs:.0f}s; {len(words)} words x {args.dim} -> {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
