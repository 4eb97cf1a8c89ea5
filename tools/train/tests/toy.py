"""A toy CoNLL directory for training tests: sources of random sentences over WORDS, one word marked as PROBLEM."""
import json
import random

from tools.train.conll import write_conll
from tools.train.tests.test_pretrain import WORDS


def toy_conll(tmp_path, sources, seed):
    """sources: {name: (marked word, or None for random tags, splits, sentences per split)} -> tmp_path/conll."""
    rng = random.Random(seed)
    d = tmp_path / "conll"
    d.mkdir()

    def sentence(marked):
        toks = [rng.choice(WORDS) for _ in range(rng.randrange(3, 9))]
        tags = [("B-PROBLEM" if t == marked else "O") if marked else rng.choice(["O", "B-PROBLEM"]) for t in toks]
        return [(toks, tags)]
    manifest = {}
    for name, (marked, splits, count) in sources.items():
        for split in splits:
            write_conll(d / f"{name}.{split}.conll", [sentence(marked) for _ in range(count)])
        manifest[name] = {"labels": ["PROBLEM"], "files": {s: f"{name}.{s}.conll" for s in splits}}
    (d / "manifest.json").write_text(json.dumps({"sources": manifest}))
    return d
