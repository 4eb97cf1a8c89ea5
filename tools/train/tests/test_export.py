"""ONNX export of a small untrained tagger matches PyTorch, and padding never changes real outputs."""
import pytest
import torch

from tools.train.export import parity, sample_batch, to_onnx
from tools.train.model import Tagger

VOCAB = {c: i + 2 for i, c in enumerate("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")}


def small_tagger():
    torch.manual_seed(0)
    return Tagger(VOCAB, 7, word_dim=16, hidden=12, char_filters=8, char_dim=6).eval()


def test_padding_invariance_in_torch():
    tagger = small_tagger()
    wv, ch, ln = sample_batch(len(VOCAB) + 2, 16, [2, 9, 4], 20)
    with torch.no_grad():
        batched = tagger(wv, ch, ln)
        for i, n in enumerate(ln.tolist()):
            width = int((ch[i, :n] > 0).sum(1).max())
            alone = tagger(wv[i:i + 1, :n], ch[i:i + 1, :n, :width], ln[i:i + 1])
            assert torch.allclose(alone[0], batched[i, :n], atol=1e-5)


def test_onnx_matches_torch(tmp_path):
    pytest.importorskip("onnxruntime")
    tagger = small_tagger()
    path = tmp_path / "m.onnx"
    to_onnx(tagger, path, len(VOCAB) + 2, 16, 20)
    check = parity(tagger, path, len(VOCAB) + 2, 16, 20)
    assert check["maxAbsDiffOnnxTorch"] < 1e-4
    assert check["maxAbsDiffBatchInvariance"] < 1e-4
