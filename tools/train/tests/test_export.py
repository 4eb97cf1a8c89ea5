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


def test_multitask_heads_export_as_named_outputs(tmp_path):
    import numpy as np
    import onnxruntime as ort

    torch.manual_seed(0)
    tagger = Tagger(VOCAB, 7, word_dim=16, hidden=12, char_filters=8, char_dim=6, heads=["ncbi", "bc5cdr"]).eval()
    path = tmp_path / "m.onnx"
    to_onnx(tagger, path, len(VOCAB) + 2, 16, 20)
    # Exporting through the wrapper must leave the tagger in eval mode (dropout off) for the parity check.
    assert not tagger.training and not tagger.drop.training
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in sess.get_outputs()] == ["emissions", "emissions_ncbi", "emissions_bc5cdr"]
    wv, ch, ln = sample_batch(len(VOCAB) + 2, 16, [2, 9, 4], 20)
    got = sess.run(None, {"word_vectors": wv.numpy(), "char_ids": ch.numpy(), "lengths": ln.numpy()})
    with torch.no_grad():
        for out, head in zip(got, [None, "ncbi", "bc5cdr"]):
            ref = tagger(wv, ch, ln, head).numpy()
            for i, n in enumerate(ln.tolist()):
                assert np.abs(out[i, :n] - ref[i, :n]).max() < 1e-4
    # The heads are distinct output layers, not copies of the clinical one.
    assert np.abs(got[0] - got[1]).max() > 1e-3


def test_head_sampler_sees_every_sentence_before_repeating():
    import random

    from tools.train.train import HeadSampler

    items = {"h": {"train": [{"id": i} for i in range(10)]}}
    sampler = HeadSampler(items, 4, random.Random(1))
    seen = [it["id"] for _ in range(5) for it in sampler.sample("h")]  # 20 draws = two full passes
    assert sorted(seen[:10]) == list(range(10)) and sorted(seen[10:]) == list(range(10))


def test_manifest_names_the_tokenizer_of_the_training_conll(tmp_path):
    import json

    from tools.train.export import training_tokenizer
    (tmp_path / "manifest.json").write_text(json.dumps({"sources": {}, "generatedBy": "tools/corpora (Kindling)"}))
    assert training_tokenizer({"args": {"conll_dir": str(tmp_path)}}) == "tools/corpora (Kindling)"
    assert training_tokenizer({"args": {"conll_dir": str(tmp_path / "gone")}}) == "unknown"


def test_a_head_trains_on_its_head_splits_and_never_on_the_dev_source(tmp_path):
    import argparse
    import json
    import random

    from tools.train.conll import write_conll
    from tools.train.train import load_heads

    files = {}
    for split, word in (("train", "fever"), ("dev", "cough"), ("test", "rash")):
        files[split] = f"src.{split}.conll"
        write_conll(tmp_path / files[split], [[(["no", word], ["O", "B-PROBLEM"])]])
    (tmp_path / "manifest.json").write_text(json.dumps({"sources": {"src": {"files": files, "labels": ["PROBLEM"]}}}))
    cfg = {"train_limit": None}

    def head_words(*splits, dev_source="none"):
        args = argparse.Namespace(head=["h=src"], head_splits=list(splits), conll_dir=tmp_path, dev_source=dev_source,
                                  window=128)
        head = load_heads(args, cfg, random.Random(0), {})["h"]
        return sorted(s.tokens[1] for s in head["train"]), [s.tokens[1] for s in head["dev"]]

    assert head_words("train") == (["fever"], ["cough"])
    assert head_words("train", "dev") == (["cough", "fever"], ["cough"])  # a final model's head: every split but test
    with pytest.raises(AssertionError, match="dev source"):
        head_words("train", dev_source="src")


def test_an_auxiliary_source_trains_heads_only_with_tags_of_its_own(tmp_path):
    """bc5cdr-chemical's role: the same documents as another source, labels outside the model's."""
    import argparse
    import json
    import random

    from tools.train.conll import tags_for, write_conll
    from tools.train.train import auxiliary_sources, load_heads

    sources = {}
    for name, tag in (("src", "B-PROBLEM"), ("aux", "B-CHEMICAL")):
        files = {split: f"{name}.{split}.conll" for split in ("train", "dev", "test")}
        for f in files.values():
            write_conll(tmp_path / f, [[(["lithium", "toxicity"], [tag, "O"])]])
        sources[name] = {"files": files, "labels": [tag[2:]], **({"auxiliaryOf": "src"} if name == "aux" else {})}
    (tmp_path / "manifest.json").write_text(json.dumps({"sources": sources}))

    def args(heads=(), splits=("train",), main=("src",), dev_source="src"):
        return argparse.Namespace(head=list(heads), head_splits=list(splits), conll_dir=tmp_path, sources=list(main),
                                  dev_source=dev_source, window=128)

    assert auxiliary_sources(args()) == {"aux": "src"}
    for bad in (args(main=("aux",)), args(dev_source="aux")):
        with pytest.raises(AssertionError, match="only train multi-task heads"):
            auxiliary_sources(bad)
    heads = load_heads(args(["chem=aux", "dis=src"], dev_source="none"), {"train_limit": None}, random.Random(0),
                       {"aux": "src"})
    assert heads["chem"]["tags"] == ["O", "B-CHEMICAL", "I-CHEMICAL"]
    assert heads["dis"]["tags"] == tags_for()  # the model's labels: the model's tags
    # Its dev split is the documents that select the model when `src` is the dev source.
    load_heads(args(["chem=aux"]), {"train_limit": None}, random.Random(0), {"aux": "src"})
    with pytest.raises(AssertionError, match="selects the model"):
        load_heads(args(["chem=aux"], ("train", "dev")), {"train_limit": None}, random.Random(0), {"aux": "src"})


def test_a_head_with_its_own_tags_exports_an_output_of_its_width(tmp_path):
    import onnxruntime as ort

    torch.manual_seed(0)
    tagger = Tagger(VOCAB, 7, word_dim=16, hidden=12, char_filters=8, char_dim=6, heads={"ncbi": 7, "chemical": 3})
    path = tmp_path / "m.onnx"
    to_onnx(tagger.eval(), path, len(VOCAB) + 2, 16, 20)
    wv, ch, ln = sample_batch(len(VOCAB) + 2, 16, [2, 9, 4], 20)
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(
        None, {"word_vectors": wv.numpy(), "char_ids": ch.numpy(), "lengths": ln.numpy()})
    assert [o.shape[2] for o in got] == [7, 7, 3]
