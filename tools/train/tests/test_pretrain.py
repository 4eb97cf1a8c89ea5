"""Bidirectional-LM pretraining of the encoder, --init-encoder, and fixed-epoch training on extra splits."""
import json
import math
import random

import numpy as np
import pytest
import torch

from tools.train import embeddings, pretrain, train
from tools.train.conll import write_conll

WORDS = [f"w{i}" for i in range(8)]


def vectors(tmp_path, storage_ref="tiny_vectors"):
    out = tmp_path / storage_ref
    embeddings.write(out, WORDS, np.random.default_rng(0).normal(size=(len(WORDS), 8)),
                     storage_ref=storage_ref, case_sensitive=False, source={"test": True})
    return out


def lm_perplexity(tmp_path, lines):
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("".join(" ".join(line) + "\n" for line in lines))
    out = tmp_path / "lm"
    pretrain.main(["--tokens", str(tokens), "--embeddings", str(vectors(tmp_path)), "--out", str(out), "--epochs", "3",
                   "--hidden", "16", "--char-dim", "4", "--char-filters", "4", "--vocab", "8", "--batch-size", "16",
                   "--lr", "0.01", "--dropout", "0"])
    return torch.load(out / "encoder.pt")


def test_language_model_never_sees_the_word_it_predicts(tmp_path):
    # Words drawn independently: nothing to predict, so a held-out perplexity far below the 8 word types would
    # mean each direction sees its own target.
    rng = random.Random(0)
    lm = lm_perplexity(tmp_path, [[rng.choice(WORDS) for _ in range(12)] for _ in range(1200)])
    assert lm["history"][-1]["heldOutPerplexity"] > 6.0


def test_language_model_learns_a_predictable_sequence(tmp_path):
    # w0 w1 w2 ... cycling: the next and the previous word are determined (only the first word of each
    # direction is a guess), so perplexity must fall far below 8.
    rng = random.Random(0)
    lines = []
    for _ in range(1200):
        start = rng.randrange(8)
        lines.append([WORDS[(start + i) % 8] for i in range(12)])
    lm = lm_perplexity(tmp_path, lines)
    assert lm["history"][-1]["heldOutPerplexity"] < 2.0
    assert set(lm["encoder"]) and all(k.startswith(pretrain.ENCODER_PREFIXES) for k in lm["encoder"])


def conll_dir(tmp_path):
    rng = random.Random(1)
    d = tmp_path / "conll"
    d.mkdir()

    def doc():
        toks = [rng.choice(WORDS) for _ in range(6)]
        return [(toks, ["B-PROBLEM" if t == "w3" else "O" for t in toks])]
    for split in ("train", "dev"):
        write_conll(d / f"toy.{split}.conll", [doc() for _ in range(20)])
    (d / "manifest.json").write_text(json.dumps({"sources": {"toy": {"labels": ["PROBLEM"], "files": {
        "train": "toy.train.conll", "dev": "toy.dev.conll"}}}}))
    return d


def test_init_encoder_starts_the_tagger_from_the_pretrained_weights(tmp_path):
    lm = lm_perplexity(tmp_path, [[random.choice(WORDS) for _ in range(6)] for _ in range(300)])
    run = tmp_path / "run"
    # lr 0: after one epoch the encoder still holds exactly the pretrained weights
    train.main(["--conll-dir", str(conll_dir(tmp_path)), "--sources", "toy", "--dev-source", "toy", "--complete",
                "--embeddings", str(tmp_path / "tiny_vectors"), "--init-encoder", str(tmp_path / "lm" / "encoder.pt"),
                "--hidden", "16", "--char-dim", "4", "--char-filters", "4", "--epochs", "1", "--lr", "0",
                "--out", str(run), "--no-export"])
    ckpt = torch.load(run / "best.pt")
    assert ckpt["char_vocab"] == lm["char_vocab"]
    for k, v in lm["encoder"].items():
        assert torch.equal(ckpt["state"][f"tagger.{k}"], v), k
    assert ckpt["encoder_pretraining"]["history"] == lm["history"]


def test_init_encoder_refuses_other_vectors(tmp_path):
    lm_perplexity(tmp_path, [[random.choice(WORDS) for _ in range(6)] for _ in range(300)])
    other = vectors(tmp_path, "other_vectors")
    with pytest.raises(AssertionError, match="pretrained on embeddings tiny_vectors, this run uses other_vectors"):
        train.main(["--conll-dir", str(conll_dir(tmp_path)), "--sources", "toy", "--dev-source", "toy", "--complete",
                    "--embeddings", str(other), "--init-encoder", str(tmp_path / "lm" / "encoder.pt"),
                    "--hidden", "16", "--char-dim", "4", "--char-filters", "4", "--epochs", "1",
                    "--out", str(tmp_path / "run"), "--no-export"])


def test_fixed_epochs_on_train_and_dev(tmp_path, capsys):
    d, emb, run = conll_dir(tmp_path), vectors(tmp_path), tmp_path / "run"
    common = ["--conll-dir", str(d), "--sources", "toy", "--complete", "--embeddings", str(emb), "--hidden", "16",
              "--char-dim", "4", "--char-filters", "4", "--out", str(run), "--no-export", "--plateau-decay", "0"]
    # the dev split cannot both feed training and choose the epoch
    with pytest.raises(AssertionError, match="cannot both train and select"):
        train.main(common + ["--train-splits", "train", "dev", "--dev-source", "toy", "--epochs", "2"])
    with pytest.raises(AssertionError, match="give --epochs"):
        train.main(common + ["--train-splits", "train", "dev", "--dev-source", "none"])
    train.main(common + ["--train-splits", "train", "dev", "--dev-source", "none", "--epochs", "2"])
    assert "train ['toy']: 40 sentences" in capsys.readouterr().out  # 20 + 20
    h = json.loads((run / "history.json").read_text())
    assert h["bestEpoch"] == 2 and h["dev"] is None and len(h["history"]) == 2
    assert torch.equal(torch.load(run / "best.pt")["state"]["tagger.out.weight"],
                       torch.load(run / "epoch-02.pt")["state"]["tagger.out.weight"])
    assert not (run / "epoch-01.pt").exists()  # --keep-epochs 1: only the latest epoch's checkpoint stays
    assert not math.isnan(h["history"][-1]["loss"])
