"""An ensemble of runs exports as one ordinary model: mean emissions in the graph, mean CRF scores in the manifest."""
import json

import numpy as np
import pytest
import torch

from tools.train.conll import tags_for
from tools.train.crf import CRF
from tools.train.ensemble import build
from tools.train.export import sample_batch
from tools.train.model import Tagger

VOCAB = {c: i + 2 for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")}
DIM, MAX_CHARS = 8, 20


def fake_run(path, seed, vocab=VOCAB):
    """A run directory as train.py leaves it: best.pt and export/manifest.json (only the fields an ensemble reads)."""
    torch.manual_seed(seed)
    tags = tags_for()
    tagger, crf = Tagger(vocab, len(tags), DIM, char_dim=4, char_filters=4, hidden=5), CRF(tags)
    with torch.no_grad():
        for p in (crf.transitions, crf.start, crf.end):
            p.normal_()
    state = {**{f"tagger.{k}": v for k, v in tagger.state_dict().items()},
             **{f"crf.{k}": v for k, v in crf.state_dict().items()}}
    config = dict(char_dim=4, char_filters=4, hidden=5)
    (path / "export").mkdir(parents=True)
    torch.save({"state": state, "tags": tags, "char_vocab": vocab, "config": config, "embeddings_meta": {"dimension": DIM}},
               path / "best.pt")
    manifest = {"name": "m", "tags": tags, "charVocab": {"<pad>": 0, "<unk>": 1, **vocab},
                "maxCharsPerToken": MAX_CHARS, "window": {"maxTokens": 128, "overlap": 32},
                "embeddings": {"storageRef": "v", "dimension": DIM}, "training": {"seed": seed},
                "metrics": {"seed": seed}, "heads": {}}
    (path / "export" / "manifest.json").write_text(json.dumps(manifest))
    return tagger.eval(), crf


def test_the_ensemble_scores_the_members_mean_emissions_and_mean_crf(tmp_path):
    import onnxruntime as ort
    members = [fake_run(tmp_path / f"run{s}", s) for s in (1, 2, 3)]
    manifest = build([tmp_path / f"run{s}" for s in (1, 2, 3)], tmp_path / "ens")

    wv, ch, ln = sample_batch(len(VOCAB) + 2, DIM, [2, 9, 4], MAX_CHARS)
    sess = ort.InferenceSession(str(tmp_path / "ens" / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [o.name for o in sess.get_outputs()] == ["emissions"]
    got = sess.run(None, {"word_vectors": wv.numpy(), "char_ids": ch.numpy(), "lengths": ln.numpy()})[0]
    with torch.no_grad():
        ref = np.mean([tagger(wv, ch, ln).numpy() for tagger, _ in members], axis=0)
    for i, n in enumerate(ln.tolist()):
        assert np.abs(got[i, :n] - ref[i, :n]).max() < 1e-4
    expected = np.mean([crf.scores()[0].detach().numpy() for _, crf in members], axis=0)
    assert np.allclose(manifest["transitions"], expected, atol=1e-6)
    assert [m["seed"] for m in manifest["ensemble"]["members"]] == [1, 2, 3]
    on_disk = json.loads((tmp_path / "ens" / "manifest.json").read_text())
    assert on_disk["tags"] == tags_for() and "heads" not in on_disk and set(on_disk["files"]) == {"model.onnx", "model.fp16.onnx"}


def test_members_must_share_their_inputs(tmp_path):
    fake_run(tmp_path / "a", 1)
    fake_run(tmp_path / "b", 2, vocab={**VOCAB, "!": len(VOCAB) + 2})
    with pytest.raises(AssertionError, match="charVocab differs"):
        build([tmp_path / "a", tmp_path / "b"], tmp_path / "ens")
