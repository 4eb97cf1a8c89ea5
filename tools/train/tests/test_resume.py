"""train.py --resume: a run interrupted after an epoch and resumed ends exactly as the uninterrupted run."""
import json

import pytest
import torch

from tools.train import train
from tools.train.tests.test_pretrain import vectors
from tools.train.tests.toy import toy_conll


def two_sources(tmp_path):
    """'toy' (train + dev) for the main task and 'other' for a multi-task head: every piece of state is exercised."""
    return toy_conll(tmp_path, {"toy": ("w3", ("train", "dev"), 24), "other": ("w5", ("train", "dev", "test"), 24)},
                     seed=2)


def args(tmp_path, run, epochs, average=("--average", "0.9")):
    return ["--conll-dir", str(two_sources(tmp_path) if not (tmp_path / "conll").exists() else tmp_path / "conll"),
            "--sources", "toy", "--dev-source", "toy", "--complete", "--embeddings", str(tmp_path / "tiny_vectors"),
            "--hidden", "8", "--char-dim", "4", "--char-filters", "4", "--batch-size", "4", *average,
            "--plateau-decay", "0.5", "--plateau-patience", "0", "--head", "other=other", "--head-sample", "10",
            "--patience", "9", "--epochs", str(epochs), "--out", str(run), "--no-export"]


@pytest.mark.parametrize("average", [("--average", "0.9"), ()], ids=["averaged", "raw"])
def test_a_resumed_run_ends_as_the_uninterrupted_one(tmp_path, average):
    vectors(tmp_path)
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    train.main(args(tmp_path, whole, 3, average))
    train.main(args(tmp_path, parts, 1, average))  # "interrupted" after epoch 1, then after epoch 2 (its lr drops there)
    train.main(args(tmp_path, parts, 2, average) + ["--resume"])
    train.main(args(tmp_path, parts, 3, average) + ["--resume"])
    a, b = (json.loads((r / "history.json").read_text()) for r in (whole, parts))
    strip = [{k: v for k, v in row.items() if not k.endswith("Seconds")} for row in a["history"]]
    assert strip == [{k: v for k, v in row.items() if not k.endswith("Seconds")} for row in b["history"]]
    assert [row["lr"] for row in a["history"]] == [0.002, 0.001, 0.0005]  # the plateau schedule acted
    assert a["bestEpoch"] == b["bestEpoch"]
    best_a, best_b = torch.load(whole / "best.pt")["state"], torch.load(parts / "best.pt")["state"]
    assert all(torch.equal(best_a[k], best_b[k]) for k in best_a)


def test_resume_refuses_other_arguments_and_empty_runs(tmp_path):
    vectors(tmp_path)
    run = tmp_path / "run"
    with pytest.raises(SystemExit, match="has no epoch-NN.pt checkpoint"):
        train.main(args(tmp_path, run, 1) + ["--resume"])
    train.main(args(tmp_path, run, 1))
    with pytest.raises(SystemExit, match="was trained with other arguments"):
        train.main(args(tmp_path, run, 2) + ["--resume", "--lr", "0.01"])
