"""Single-corpus label sets (--complete) and the report's ablation/single-corpus section (ner-runs.json)."""
import json

from tools.train.conll import Sentence
from tools.train.report import runs_section
from tools.train.runs import RUNS
from tools.train.train import labels_in_tags


def test_labels_in_tags_is_the_label_set_each_source_uses():
    sents = [Sentence(["a", "b"], ["B-PROBLEM", "O"], "ncbi-disease", 0),
             Sentence(["c"], ["O"], "ncbi-disease", 1),
             Sentence(["d", "e"], ["B-TEST", "I-TEST"], "other", 0)]
    assert labels_in_tags(sents) == {"ncbi-disease": ["PROBLEM"], "other": ["TEST"]}


def fake_history(best_epoch, f1s, treatment):
    prf = lambda f: {"precision": f, "recall": f, "f1": f, "support": 10, "predicted": 10}
    strict = {"PROBLEM": prf(0.9), "TEST": prf(0.8), "TREATMENT": prf(treatment), "micro": prf(f1s[best_epoch - 1])}
    return {"history": [{"epoch": i + 1, "devStrictMicroF1": f, "trainSeconds": 50.0} for i, f in enumerate(f1s)],
            "bestEpoch": best_epoch, "dev": {"chunks": {"strict": strict, "relaxed": strict}, "tokens": {}}, "heads": {}}


def test_runs_section_refreshes_present_runs_and_keeps_the_others(tmp_path):
    runs, out = tmp_path / "runs", tmp_path / "bench"
    out.mkdir()
    (runs / "abl-random").mkdir(parents=True)
    (runs / "abl-random" / "history.json").write_text(json.dumps(fake_history(2, [0.5, 0.75], 0.7)))
    kept = {"command": "earlier", "bestEpoch": 9, "epochs": 10, "trainSecondsPerEpoch": 50.0,
            "devStrict": {"micro": {"precision": 0.9, "recall": 0.87, "f1": 0.885},
                          "TREATMENT": {"precision": 0.884, "recall": 0.757, "f1": 0.816}},
            "devStrictMicroF1PerEpoch": [0.885] * 10}
    (out / "ner-runs.json").write_text(json.dumps({"abl-partial": kept}))

    md = "\n".join(runs_section(runs, tmp_path / "conll", out))
    saved = json.loads((out / "ner-runs.json").read_text())
    assert saved["abl-partial"] == kept  # no run directory: the earlier summary stays
    assert saved["abl-random"]["bestEpoch"] == 2 and saved["abl-random"]["devStrict"]["micro"]["f1"] == 0.75
    assert saved["abl-random"]["command"].endswith("--quick --threads 2 --random-init --out tools/out/runs/abl-random")
    assert "| random vectors (same vocabulary and scale), fine-tuned | 0.7500 (2 of 2) | 0.700 / 0.700 / 0.700 | 0.500 0.750 |" in md
    assert "0.8850 (9 of 10) | 0.884 / 0.757 / 0.816" in md
    # Runs never made are listed as such, not dropped.
    assert md.count("not run") == sum(1 for r in RUNS if r.name not in ("abl-random", "abl-partial"))


def test_fixed_epoch_runs_report_their_epoch_count_and_no_dev_scores(tmp_path, monkeypatch):
    import tools.train.report as report

    class Tagger:  # stands in for the exported model: tags every first token as a disease
        def __init__(self, *_):
            pass

        def tag(self, batch):
            return [["B-PROBLEM"] + ["O"] * (len(toks) - 1) for toks in batch]
    monkeypatch.setattr(report, "OnnxTagger", Tagger)
    monkeypatch.setattr(report, "read_conll", lambda _: [Sentence(["a", "b"], ["B-PROBLEM", "O"], "bc5cdr", 0),
                                                         Sentence(["c", "d"], ["O", "B-PROBLEM"], "bc5cdr", 1)])
    runs, out = tmp_path / "runs", tmp_path / "bench"
    out.mkdir()
    run = runs / "bc5cdr-traindev"
    (run / "export").mkdir(parents=True)
    (run / "export" / "model.onnx").write_bytes(b"")
    (run / "history.json").write_text(json.dumps({
        "history": [{"epoch": 1, "trainSeconds": 40.0}, {"epoch": 2, "trainSeconds": 42.0}], "bestEpoch": 2,
        "dev": None, "heads": {}, "args": {"epochs": 2}}))
    md = "\n".join(runs_section(runs, tmp_path / "conll", out))
    saved = json.loads((out / "ner-runs.json").read_text())["bc5cdr-traindev"]
    assert saved["fixedEpochs"] and "devStrict" not in saved
    assert "--train-splits train dev --dev-source none --epochs 2 " in saved["command"]
    assert saved["test"]["strict"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert "| BC5CDR-disease | BC5CDR (Disease) train + dev, constant lr, epochs = best epoch of bc5cdr-const | 0.5000 | 0.5000 | **0.5000** |" in md
    assert "| 2 (fixed) |" in md


def test_seed_repeats_are_summarised_with_their_mean_and_range(tmp_path):
    from tools.train.report import seeds_table

    def summary(f1, with_abbreviations):
        return {"test": {"strict": {"precision": f1, "recall": f1, "f1": f1},
                         "abbreviationsStrict": {"precision": f1, "recall": f1, "f1": with_abbreviations}}}
    known = {"ncbi-v200t-traindev": summary(0.84, 0.83), "ncbi-v200t-traindev-s14": summary(0.86, 0.85),
             "ncbi-v200t-traindev-s15": summary(0.85, 0.84)}
    md = "\n".join(seeds_table(known))
    assert "| 13, 14, 15 | 0.8400 / 0.8600 / 0.8500 | **0.8500** ✓ | 0.8400 – 0.8600 | 0.8400 ✗ | — | — | ≥ 0.85 |" in md
    # With the seeds' ensemble scored: its F1 before and after the abbreviation stage.
    md = "\n".join(seeds_table({**known, "ncbi-v200t-traindev+ensemble": summary(0.855, 0.849)}))
    assert "| 0.8400 ✗ | 0.8550 ✓ | 0.8490 ✗ | ≥ 0.85 |" in md
    # A corpus whose seeds have not run yet gets no row; one seed alone still counts once its repeat exists.
    assert "BC5CDR" not in md
    md = "\n".join(seeds_table({"bc5cdr-v200t-traindev-s14": summary(0.8, 0.845)}))
    assert "| 14 | 0.8000 | **0.8000** ✗ | 0.8000 – 0.8000 | 0.8450 ✓ | — | — | ≥ 0.84 |" in md


def test_a_seed_group_with_every_member_exported_gets_its_ensemble_scored(tmp_path, monkeypatch):
    import tools.train.report as report

    built = []
    monkeypatch.setattr(report, "build_ensemble", lambda dirs, out: built.append(([d.name for d in dirs], out)))
    prf = {"precision": 0.9, "recall": 0.9, "f1": 0.9}
    scores = {"strict": prf, "relaxedF1": 0.95, "abbreviationsStrict": prf}
    monkeypatch.setattr(report, "score_test", lambda export, run, conll_dir: {"export": str(export), **scores})
    monkeypatch.setattr(report, "summarise_run",
                        lambda d, run, conll_dir: {"command": "c", "bestEpoch": 1, "epochs": 1, "test": scores})
    runs, out = tmp_path / "runs", tmp_path / "bench"
    out.mkdir()
    group = ["ncbi-v200t-traindev", "ncbi-v200t-traindev-s14", "ncbi-v200t-traindev-s15"]
    for name in group + ["bc5cdr-v200t-traindev", "bc5cdr-v200t-traindev-s14"]:  # BC5CDR's third seed is missing
        (runs / name / "export").mkdir(parents=True)
        (runs / name / "export" / "model.onnx").write_bytes(b"")
        (runs / name / "history.json").write_text("{}")
    runs_section(runs, tmp_path / "conll", out)
    assert built == [(group, tmp_path / "ensembles" / "ncbi-v200t-traindev")]
    saved = json.loads((out / "ner-runs.json").read_text())
    ens = saved["ncbi-v200t-traindev+ensemble"]
    assert ens["members"] == group and ens["test"]["export"] == str(tmp_path / "ensembles" / "ncbi-v200t-traindev")
    assert ens["command"].startswith("/usr/bin/python3 -m tools.train.ensemble tools/out/runs/ncbi-v200t-traindev ")
    assert "bc5cdr-v200t-traindev+ensemble" not in saved

    # Unchanged files: nothing is built or scored again. A changed member model: its run and the ensemble are.
    built.clear()
    runs_section(runs, tmp_path / "conll", out)
    assert built == []
    (runs / "ncbi-v200t-traindev-s14" / "export" / "model.onnx").write_bytes(b"retrained")
    scored = []
    monkeypatch.setattr(report, "summarise_run", lambda d, run, conll_dir: scored.append(run.name) or
                        {"command": "c", "bestEpoch": 1, "epochs": 1, "test": scores})
    runs_section(runs, tmp_path / "conll", out)
    assert scored == ["ncbi-v200t-traindev-s14"] and len(built) == 1
    runs_section(runs, tmp_path / "conll", out, rescore=True)
    assert len(scored) == 6 and len(built) == 2


def test_reproduction_sentence_says_whether_the_last_rebuild_is_the_shipped_file():
    from tools.train.report import reproduction_sentence
    shipped, other = "a" * 64, "b" * 64
    repro = {"command": "bash tools/reproduce.sh", "wallSeconds": 454, "date": "2026-11-26", "cpu": "AMD EPYC, AVX-512",
             "machine": "x86_64, 2 CPUs", "modelSha256": shipped, "acidevStrictMicroF1": 0.9063}
    same = reproduction_sentence(repro, shipped)
    assert "in **8 min** wall time (2026-11-26, AMD EPYC, AVX-512, x86_64, 2 CPUs)" in same
    assert same.endswith(f"`{shipped[:16]}…`, the shipped file.")
    differs = reproduction_sentence({**repro, "modelSha256": other, "acidevStrictMicroF1": 0.9037}, shipped)
    assert f"`{other[:16]}…`, which scores 0.9037 on aci-dev, not the shipped file:" in differs
    assert "pins the floating-point kernels" in differs
    # A record from before the CPU and score were kept still reads.
    old = {k: v for k, v in repro.items() if k not in ("cpu", "acidevStrictMicroF1")}
    assert "(2026-11-26, x86_64, 2 CPUs); it produced model SHA-256" in reproduction_sentence({**old, "modelSha256": other}, shipped)
    assert reproduction_sentence(None, shipped) == "Reproduction: `bash tools/reproduce.sh` (not timed yet)."


def test_selection_phrase_names_the_epoch_and_the_seeds_it_chose_among():
    from tools.train.report import selection_phrase
    plain = {"metrics": {"epoch": 27}, "training": {"seed": 13}}
    assert selection_phrase(plain) == "selected on aci-dev (epoch 27)"
    chosen = {"metrics": {"epoch": 23}, "training": {"seed": 15, "seedSelection": {"chosenSeed": 15, "candidates": [
        {"seed": 13, "devStrictMicroF1": 0.9016, "bestEpoch": 26}, {"seed": 15, "devStrictMicroF1": 0.9068, "bestEpoch": 23}]}}}
    assert selection_phrase(chosen) == "selected on aci-dev (epoch 23; seed 15 of seeds 13, 15, which scored 0.9016 / 0.9068)"


def test_aux_lm_phrase_names_the_objective_only_when_the_model_trained_with_it():
    from tools.train.report import aux_lm_phrase
    assert aux_lm_phrase({"training": {"seed": 13}}) == ""
    lm = {"training": {"auxiliaryLanguageModel": {"weight": 0.1, "words": 4356}}}
    assert aux_lm_phrase(lm) == ", auxiliary LM objective (training only): weight 0.1, 4,356-word vocabulary"
