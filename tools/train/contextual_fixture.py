"""Writes packages/medical-ner/test/fixtures/contextual-tiny: a tiny untrained tagger with character LMs in its graph
(train.py --charlm's export), plus the tags ONNX Runtime + the Python Viterbi give for a few sentences, which the
TypeScript runtime must reproduce from the manifest alone.

  /usr/bin/python3 -m tools.train.contextual_fixture

Random, seeded weights (~60 KB). The sentences include a character outside the Basic Multilingual Plane and one
outside the LMs' characters, and the window is 6 tokens, so a long sentence is tagged in overlapping windows.
"""
import hashlib
import json

import torch

from . import paths
from .charlm import BOUNDARY, CharLM
from .contextual import CharLMPair, ContextualTagger, export_onnx, manifest_section, sample_feeds
from .crf import CRF
from .export import OPSET
from .head_fixture import random_crf, start_fixture
from .infer_onnx import OnnxTagger
from .model import Tagger

OUT = paths.REPO / "packages" / "medical-ner" / "test" / "fixtures" / "contextual-tiny"
SENTENCES = [
    "The patient denies fever , chills or chest pain .",
    "Germline mutations in BRCA1 cause hereditary breast and ovarian cancer ( HBOC ) in 😀 families of Søren .",
    "Fever .",
]


def lm(direction, chars, seed):
    torch.manual_seed(seed)
    model = CharLM(len(chars) + 2, 4, 8)
    with torch.no_grad():  # larger recurrent weights than the default init, so the states carry context
        model.lstm.weight_hh_l0.mul_(4)
    return {"config": {"direction": direction, "chars": chars, "dim": 4, "hidden": 8, "boundary": BOUNDARY,
                       "unknown": 1},
            "model": model.state_dict(), "history": [{"heldOutBpc": 0.0}]}


def main():
    dim = 8
    shipped, char_vocab = start_fixture(OUT, SENTENCES, dim, 11, "contextual_tiny_vectors")
    tags, max_chars = shipped["tags"], shipped["maxCharsPerToken"]
    # The LMs know the letters, digits and punctuation of the sentences, plus the emoji, but not "ø".
    chars = [BOUNDARY] + sorted({c for s in SENTENCES for c in s} - {"ø", BOUNDARY})
    lms = CharLMPair(saved={"fwd": lm("fwd", chars, 1), "bwd": lm("bwd", chars, 2)})
    torch.manual_seed(7)
    tagger = Tagger(char_vocab, len(tags), dim + lms.dim, char_dim=4, char_filters=4, hidden=6).eval()
    with torch.no_grad():  # the LM states weigh most, and the emissions (not the CRF) decide
        tagger.fwd.weight_ih_l0[:, dim:dim + lms.dim].mul_(6)
        tagger.bwd.weight_ih_l0[:, dim:dim + lms.dim].mul_(6)
        tagger.out.weight.mul_(40)
    graph = ContextualTagger(tagger, lms).eval()
    onnx_path = OUT / "model.onnx"
    _, feeds = sample_feeds(lms, char_vocab, dim, [3, 7], max_chars)
    export_onnx(graph, onnx_path, feeds, ["emissions"], OPSET)
    section = manifest_section(lms)
    manifest = {
        "format": "kindling-ner", "formatVersion": 1, "name": "contextual_tiny_fixture", "tags": tags,
        **dict(zip(("transitions", "startTransitions", "endTransitions"), random_crf(tags, 1))),
        "charVocab": shipped["charVocab"], "maxCharsPerToken": max_chars, "lowercaseChars": False,
        "embeddings": {"storageRef": "contextual_tiny_vectors", "dimension": dim, "caseSensitive": False},
        "window": {"maxTokens": 6, "overlap": 2},
        "inputs": {**shipped["inputs"], **section["inputs"]},
        "contextualStrings": {k: v for k, v in section.items() if k != "inputs"},
        "outputs": {"emissions": "float32 [B,T,K]"}, "heads": {},
        "trainingData": [], "metrics": {"note": "untrained test fixture"},
        "files": {"model.onnx": {"sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
                                 "bytes": onnx_path.stat().st_size}},
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    tokens = [s.split(" ") for s in SENTENCES]
    tagger_onnx = OnnxTagger(OUT, "model.onnx", OUT / "embeddings")
    expected = tagger_onnx.tag(tokens)
    # The LMs must matter: the same tokens with the LM inputs of other text tag differently.
    lm_inputs = tagger_onnx._lm_inputs
    tagger_onnx._lm_inputs = lambda batch: lm_inputs([["x"] * len(s) for s in batch])
    assert tagger_onnx.tag(tokens) != expected, "the fixture's tags should depend on the character LMs"
    (OUT / "expected.json").write_text(json.dumps(
        {"generatedBy": "/usr/bin/python3 -m tools.train.contextual_fixture (ONNX Runtime + tools/train Viterbi)",
         "sentences": [{"text": s, "tokens": t, "tags": e} for s, t, e in zip(SENTENCES, tokens, expected)]},
        indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT} ({onnx_path.stat().st_size / 1e3:.0f} KB model)")


if __name__ == "__main__":
    main()
