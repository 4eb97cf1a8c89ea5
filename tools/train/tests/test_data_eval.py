"""Windows, char ids and chunk scoring."""
from tools.train import chars
from tools.train.conll import chunks
from tools.train.data import inference_windows
from tools.train.evaluate import chunk_scores, token_report


def test_windows_cover_every_token_once():
    for n in [1, 50, 128, 129, 200, 300, 1000]:
        wins = inference_windows(n, 128, 32)
        covered = [t for s, e, kf, kt in wins for t in range(kf, kt)]
        assert covered == list(range(n))
        assert all(e - s <= 128 and s <= kf < kt <= e for s, e, kf, kt in wins)


def test_char_clip_and_encode():
    assert chars.clip("hydrochlorothiazide", 10) == list("hydrothiazide"[:5]) + list("iazide"[1:])
    assert len(chars.clip("a" * 50, 20)) == 20
    vocab = {"a": 2, "b": 3}
    assert chars.encode("abz", vocab, 20) == [2, 3, 1]


def test_chunks_and_scores():
    assert chunks(["B-P", "I-P", "O", "I-T", "B-T"]) == [("P", 0, 2), ("T", 3, 4), ("T", 4, 5)]
    gold = [["B-P", "I-P", "O", "B-T"]]
    pred = [["B-P", "O", "O", "B-T"]]
    s = chunk_scores(gold, pred, ["P", "T"])
    assert s["strict"]["P"]["f1"] == 0 and s["relaxed"]["P"]["f1"] == 1
    assert s["strict"]["micro"]["precision"] == 0.5
    # Labels outside the scored set are ignored on both sides.
    s = chunk_scores([["B-P", "O"]], [["B-P", "B-X"]], ["P"])
    assert s["strict"]["micro"]["precision"] == 1
    rep = token_report(gold, pred, ["P", "T"])
    assert rep["accuracy"] == 0.75 and rep["rows"]["I-P"]["recall"] == 0
