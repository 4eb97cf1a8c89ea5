"""Character LMs (charlm.py) and the contextual string embeddings they give the tagger (contextual.py)."""
import gzip
import json

import numpy as np
import torch

from tools.train import charlm, predict_torch, train
from tools.train.conll import read_conll
from tools.train.evaluate import chunk_scores
from tools.train.infer_onnx import OnnxTagger
from tools.train.contextual import CharLMPair
from tools.train.tests.test_pretrain import vectors
from tools.train.tests.toy import toy_conll

LINES = ["the cat sat on the mat .", "a dog ran to the cat .", "the mat is red ( not blue ) ."]


def train_pair(tmp_path, steps=30):
    text = tmp_path / "tokens.txt.gz"
    with gzip.open(text, "wt", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in LINES * 40))
    out = tmp_path / "lms"
    for direction in ("fwd", "bwd"):
        charlm.main(["--direction", direction, "--tokens", str(text), "--train-text", "--out", str(out / direction),
                     "--hidden", "12", "--dim", "6", "--min-count", "1", "--batch-chars", "400", "--lr", "0.02",
                     "--max-steps", str(steps), "--held-out", "10"])
    return out


def test_both_lms_learn_the_text_and_checkpoint(tmp_path):
    out = train_pair(tmp_path)
    for direction in ("fwd", "bwd"):
        history = json.loads((out / direction / "history.json").read_text())["history"]
        assert history[-1]["step"] == 30
        # a uniform guess over the text's 20-odd characters costs over 4 bits per character
        assert history[-1]["heldOutBpc"] < 3.0


def test_a_tokens_features_are_the_lm_states_that_have_read_it_and_one_side_of_the_sentence(tmp_path):
    lms = CharLMPair(train_pair(tmp_path, steps=5))
    sentence = "the dog sat ( red ) .".split()
    others = [s.split() for s in LINES] + [["x"] * 40]
    alone = lms.features([sentence])[0]
    batched = lms.features(others + [sentence])[-1]
    np.testing.assert_allclose(alone, batched, atol=1e-6)  # padding and batch neighbours change nothing
    assert alone.shape == (len(sentence), lms.dim)
    text = " ".join(sentence)
    hidden = lms.models["fwd"].lstm.hidden_size
    pos = 0
    for i, tok in enumerate(sentence):
        end = pos + len(tok)
        with torch.no_grad():
            prefix = torch.tensor([charlm.encode(text[:end], lms.index, False)[:-1]])      # "\n" + text up to the token's end
            suffix = torch.tensor([charlm.encode(text[pos:], lms.index, True)[:-1]])      # "\n" + reversed text from its start
            fwd = lms.models["fwd"](prefix)[0, -1].numpy()
            bwd = lms.models["bwd"](suffix)[0, -1].numpy()
        np.testing.assert_allclose(alone[i, :hidden], fwd, atol=1e-5)
        np.testing.assert_allclose(alone[i, hidden:], bwd, atol=1e-5)
        pos = end + 1


def test_the_tagger_trains_with_the_features_beside_its_word_vectors_and_exports_them_in_its_graph(tmp_path):
    lms = train_pair(tmp_path, steps=5)
    toy_conll(tmp_path, {"toy": ("w3", ("train", "dev", "test"), 30)}, seed=3)
    vectors(tmp_path)
    run = tmp_path / "run"
    train.main(["--conll-dir", str(tmp_path / "conll"), "--sources", "toy", "--dev-source", "toy", "--complete",
                "--embeddings", str(tmp_path / "tiny_vectors"), "--hidden", "8", "--char-dim", "4",
                "--char-filters", "4", "--epochs", "10", "--lr", "0.02", "--plateau-decay", "0", "--batch-size", "4",
                "--dropout", "0", "--out", str(run),
                "--charlm", str(lms), "--test-source", "toy"])
    saved = torch.load(run / "best.pt", weights_only=False)
    assert saved["charlm"]["dim"] == 24
    assert saved["state"]["tagger.fwd.weight_ih_l0"].shape[1] == 8 + 24 + 4 + 5  # vectors, LM states, chars, casing
    history = json.loads((run / "history.json").read_text())
    assert history["test"]["strict"]["micro"]["f1"] > 0.9
    # The exported graph runs both LMs itself; the reference runtime builds their inputs from the manifest alone.
    manifest = json.loads((run / "export" / "manifest.json").read_text())
    assert manifest["contextualStrings"]["hidden"] == {"fwd": 12, "bwd": 12}
    assert manifest["parity"]["model.onnx"]["maxAbsDiffOnnxTorch"] < 1e-4
    assert manifest["parity"]["model.onnx"]["maxAbsDiffBatchInvariance"] < 1e-4
    sents = read_conll(tmp_path / "conll" / "toy.test.conll")
    pred = OnnxTagger(run / "export").tag([s.tokens for s in sents])
    onnx_f1 = chunk_scores([s.tags for s in sents], pred, ["PROBLEM"])["strict"]["micro"]["f1"]
    assert onnx_f1 == history["test"]["strict"]["micro"]["f1"]


def test_an_auxiliary_language_model_trains_with_the_tagger_and_stays_out_of_the_graph(tmp_path):
    toy_conll(tmp_path, {"toy": ("w3", ("train", "dev"), 30)}, seed=3)
    vectors(tmp_path)
    common = ["--conll-dir", str(tmp_path / "conll"), "--sources", "toy", "--dev-source", "toy", "--complete",
              "--embeddings", str(tmp_path / "tiny_vectors"), "--hidden", "8", "--char-dim", "4", "--char-filters", "4",
              "--epochs", "2", "--lr", "0.02"]
    train.main(common + ["--out", str(tmp_path / "plain")])
    train.main(common + ["--out", str(tmp_path / "lm"), "--lm-weight", "0.1", "--lm-vocab", "5"])
    saved = torch.load(tmp_path / "lm" / "best.pt", weights_only=False)
    assert saved["auxiliary_lm"] == {"weight": 0.1, "words": 5}
    assert saved["state"]["lm_head.fwd.2.weight"].shape == (6, 50)  # 5 words + the rest
    plain = json.loads((tmp_path / "plain" / "history.json").read_text())["history"]
    with_lm = json.loads((tmp_path / "lm" / "history.json").read_text())["history"]
    assert with_lm[0]["loss"] > plain[0]["loss"]  # the LM's loss is part of the training loss
    manifest = json.loads((tmp_path / "lm" / "export" / "manifest.json").read_text())
    assert manifest["training"]["auxiliaryLanguageModel"] == {"weight": 0.1, "words": 5}
    assert manifest["inputs"] == json.loads((tmp_path / "plain" / "export" / "manifest.json").read_text())["inputs"]
    # The PyTorch reference that tools/parity compares with loads the checkpoint without its LM head.
    predict_torch.main([str(tmp_path / "lm" / "best.pt"), "--conll", str(tmp_path / "conll" / "toy.dev.conll"),
                        "--pred", str(tmp_path / "lm.dev.conll")])
    sents = read_conll(tmp_path / "conll" / "toy.dev.conll")
    assert [s.tags for s in read_conll(tmp_path / "lm.dev.conll")] == \
        OnnxTagger(tmp_path / "lm" / "export").tag([s.tokens for s in sents])
