"""Writes packages/medical-ner/test/fixtures/heads-tiny: a tiny untrained tagger with three multi-task heads (one
with tags of its own) in the exported model format, plus the tags ONNX Runtime + the Python Viterbi give for a few
sentences with each output.
It carries its own tiny word vectors (the sentences' words, random), so it does not change when the shipped
embeddings do. The TypeScript tests use it to check that `head` picks the right output and CRF.

  /usr/bin/python3 -m tools.train.head_fixture

Random weights and random CRF scores (seeded), so every output tags differently; the model is ~40 KB.
"""
import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from . import embeddings, paths
from .conll import head_tags
from .crf import CRF
from .export import head_output, to_onnx
from .infer_onnx import OnnxTagger
from .model import Tagger

OUT = paths.REPO / "packages" / "medical-ner" / "test" / "fixtures" / "heads-tiny"
HEADS = ["ncbi", "bc5cdr", "chemical"]
# Labels per head: the first two share the model's tags; "chemical" has labels (and so tags) of its own (head_tags).
HEAD_LABELS = {"ncbi": ["PROBLEM"], "bc5cdr": ["PROBLEM"], "chemical": ["CHEMICAL"]}
# Already tokenised as Kindling's Tokenizer splits them (the TS test checks this).
SENTENCES = [
    "The patient denies fever , chills or chest pain .",
    "Germline mutations in BRCA1 cause hereditary breast and ovarian cancer .",
    "Lithium carbonate toxicity caused tricuspid valve regurgitation in a newborn .",
]


def random_crf(tags, seed):
    crf = CRF(tags)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in (crf.transitions, crf.start, crf.end):
            p.copy_(torch.randn(p.shape, generator=g) * 2)
    return [x.detach().tolist() for x in crf.scores()]


def start_fixture(out, sentences, dim, seed, storage_ref):
    """The shipped model's manifest and char vocabulary (ids > 1), and `out`/embeddings: random vectors for the
    sentences' words, so a fixture does not change when the shipped embeddings do."""
    shipped = json.loads((paths.REPO / "models" / "ner_clinical_open" / "manifest.json").read_text())
    out.mkdir(parents=True, exist_ok=True)
    words = sorted({w.lower() for s in sentences for w in s.split(" ")})
    vectors = np.random.default_rng(seed).normal(0, 0.5, (len(words), dim))
    embeddings.write(out / "embeddings", words, vectors, storage_ref=storage_ref, case_sensitive=False,
                     source={"note": f"random vectors for the test fixture {out.name}"})
    return shipped, {c: i for c, i in shipped["charVocab"].items() if i > 1}


def main():
    dim = 16
    shipped, char_vocab = start_fixture(OUT, SENTENCES, dim, 7, "heads_tiny_vectors")
    tags, max_chars = shipped["tags"], shipped["maxCharsPerToken"]
    torch.manual_seed(7)
    tags_of = {h: head_tags(HEAD_LABELS[h]) for h in HEADS}
    tagger = Tagger(char_vocab, len(tags), dim, char_dim=4, char_filters=4, hidden=6,
                    heads={h: len(t) for h, t in tags_of.items()}).eval()
    with torch.no_grad():  # larger output weights than the default init, so the emissions (not the CRF) decide
        for layer in [tagger.out, *tagger.heads.values()]:
            layer.weight.mul_(8)
    onnx_path = OUT / "model.onnx"
    to_onnx(tagger, onnx_path, len(char_vocab) + 2, dim, max_chars)
    crf_keys = ("transitions", "startTransitions", "endTransitions")
    main_crf = dict(zip(crf_keys, random_crf(tags, 1)))
    manifest = {
        "format": "kindling-ner", "formatVersion": 1, "name": "heads_tiny_fixture", "tags": tags, **main_crf,
        "charVocab": shipped["charVocab"], "maxCharsPerToken": max_chars, "lowercaseChars": False,
        "embeddings": {"storageRef": "heads_tiny_vectors", "dimension": dim, "caseSensitive": False},
        "window": shipped["window"],
        "inputs": shipped["inputs"],
        "outputs": {"emissions": "float32 [B,T,K]", **{head_output(h): "float32 [B,T,K]" for h in HEADS}},
        "heads": {h: {"output": head_output(h), "sources": [h], "labels": HEAD_LABELS[h],
                      **({"tags": tags_of[h]} if tags_of[h] != tags else {}),
                      **dict(zip(crf_keys, random_crf(tags_of[h], 2 + i)))} for i, h in enumerate(HEADS)},
        "trainingData": [], "metrics": {"note": "untrained test fixture"},
        "files": {"model.onnx": {"sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
                                 "bytes": onnx_path.stat().st_size}},
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    emb = OUT / "embeddings"
    tokens = [s.split(" ") for s in SENTENCES]
    expected = {h or "": OnnxTagger(OUT, "model.onnx", emb, h).tag(tokens) for h in [None, *HEADS]}
    assert len({json.dumps(e) for e in expected.values()}) == len(expected), "outputs should tag differently"
    (OUT / "expected.json").write_text(json.dumps(
        {"generatedBy": "/usr/bin/python3 -m tools.train.head_fixture (ONNX Runtime + tools/train Viterbi)",
         "sentences": [{"text": s, "tokens": t, "tags": {h: expected[h][i] for h in expected}}
                       for i, (s, t) in enumerate(zip(SENTENCES, tokens))]}, indent=1) + "\n")
    print(f"wrote {OUT} ({onnx_path.stat().st_size / 1e3:.0f} KB model)")


if __name__ == "__main__":
    main()
