"""Choosing the seed to ship: the best dev score wins, ties go to the earlier run, the choice is recorded."""
import json
import sys

import pytest

from tools.train import select_run


def make_run(root, name, seed, f1, epoch, export=True):
    run = root / name
    run.mkdir()
    micro = {"precision": f1, "recall": f1, "f1": f1, "support": 10, "predicted": 10}
    (run / "history.json").write_text(json.dumps({
        "bestEpoch": epoch, "args": {"seed": seed},
        "dev": {"chunks": {"strict": {"micro": micro}, "relaxed": {"micro": micro}}, "tokens": {}}}))
    if export:
        (run / "export").mkdir()
        (run / "export" / "manifest.json").write_text(json.dumps({"training": {"seed": seed}}))
    return run


def test_the_best_dev_score_wins_and_a_tie_goes_to_the_earlier_run(tmp_path):
    a = make_run(tmp_path, "s13", 13, 0.8980, 14)
    b = make_run(tmp_path, "s14", 14, 0.9079, 23)
    c = make_run(tmp_path, "s15", 15, 0.9079, 13)
    chosen, record = select_run.select([a, b, c])
    assert chosen == b and record["chosenSeed"] == 14
    assert [row["seed"] for row in record["candidates"]] == [13, 14, 15]
    assert record["candidates"][0] == {"seed": 13, "devStrictMicroF1": 0.898, "bestEpoch": 14}


def test_main_links_the_chosen_run_and_records_the_choice_in_its_manifest(tmp_path, monkeypatch, capsys):
    runs = [make_run(tmp_path, f"s{seed}", seed, f1, 10) for seed, f1 in [(13, 0.90), (14, 0.91), (15, 0.89)]]
    link = tmp_path / "release"
    link.symlink_to("s13")  # an earlier choice is replaced
    monkeypatch.setattr(sys, "argv", ["select_run", *map(str, runs), "--link", str(link)])
    select_run.main()
    assert link.resolve() == runs[1].resolve()
    assert str(link.readlink()) == "s14"  # relative, so tools/out can move
    manifest = json.loads((runs[1] / "export" / "manifest.json").read_text())
    assert manifest["training"]["seed"] == 14 and manifest["training"]["seedSelection"]["chosenSeed"] == 14
    assert "seed 14: dev strict micro-F1 0.9100 (epoch 10)  <- chosen" in capsys.readouterr().out


def test_an_unfinished_run_or_a_directory_in_the_links_place_is_refused(tmp_path, monkeypatch):
    done = make_run(tmp_path, "s13", 13, 0.9, 5)
    unfinished = tmp_path / "s14"
    unfinished.mkdir()
    with pytest.raises(SystemExit, match="s14/history.json is missing"):
        select_run.select([done, unfinished])
    no_dev = tmp_path / "s15"
    no_dev.mkdir()
    (no_dev / "history.json").write_text(json.dumps({"bestEpoch": None, "args": {"seed": 15}, "dev": None}))
    with pytest.raises(SystemExit, match="s15 has no dev score"):
        select_run.select([done, no_dev])
    (tmp_path / "release").mkdir()
    monkeypatch.setattr(sys, "argv", ["select_run", str(done), "--link", str(tmp_path / "release")])
    with pytest.raises(SystemExit, match="is a directory"):
        select_run.main()
