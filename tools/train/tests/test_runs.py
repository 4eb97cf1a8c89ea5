"""The run list's runner: commands, dependencies between runs, and the thread budget."""
import pytest

from tools.train import runs
from tools.train.runs import RUNS, Run, schedule, train_command, with_prerequisites


def test_every_run_has_a_unique_name_and_known_dependencies_and_vectors():
    names = [r.name for r in RUNS]
    assert len(names) == len(set(names))
    for r in RUNS:
        assert r.epochs_from is None or (r.epochs_from in names and names.index(r.epochs_from) < names.index(r.name))
        assert r.vectors is None or r.vectors in runs.VECTORS
        assert ("{epochs}" in r.args) == (r.epochs_from is not None)
        assert "--out" not in r.args and "--embeddings" not in r.args  # both come from the run itself


def test_train_command_fills_in_the_epoch_count_and_the_vectors(tmp_path):
    (tmp_path / "sel").mkdir()
    (tmp_path / "sel" / "history.json").write_text('{"bestEpoch": 7}')
    run = Run("td", "single", "", "--sources x --epochs {epochs}", epochs_from="sel", vectors="embeddings-v200t")
    command = train_command(run, runs_dir=tmp_path)
    assert command.endswith("--sources x --epochs 7 --embeddings tools/out/embeddings-v200t --out tools/out/runs/td")
    assert train_command(run, runs_dir=tmp_path, resume=True).endswith("--out tools/out/runs/td --resume")
    with pytest.raises(SystemExit, match="run nope first"):
        train_command(Run("td", "single", "", "--epochs {epochs}", epochs_from="nope"), runs_dir=tmp_path)


def test_a_run_on_another_tokenisation_trains_on_its_conll_with_vectors_from_its_text():
    run = runs.run_by_name("bc5cdr-punct")
    tok = runs.TOKENISATIONS[run.tokenisation]
    assert run.conll_dir == tok.conll_dir == "tools/out/conll-punct"
    assert f"--embeddings tools/out/{run.vectors} --conll-dir tools/out/conll-punct --out" in train_command(run)
    vectors = runs.VECTORS[run.vectors].command
    assert f"--corpus {tok.text} --conll-dir {tok.conll_dir}" in vectors
    # The corpora CLI gets the pattern as one shell word, for the CoNLL files and for the text.
    assert [c.split(" --split-pattern ")[1].split(" --")[0] for c in tok.commands] == ["'" + tok.split_pattern + "'"] * 2
    assert any("--tokens-only --tokens-out " + tok.text in c for c in tok.commands)
    assert runs.run_by_name("bc5cdr-v200t").conll_dir is None and "--conll-dir" not in train_command(runs.run_by_name("bc5cdr-v200t"))


def test_multi_task_disease_runs_head_the_other_corpus_and_the_final_variants_share_one_selection_run():
    for corpus, other in (("ncbi", "bc5cdr=bc5cdr"), ("bc5cdr", "ncbi=ncbi-disease")):
        select = runs.run_by_name(f"{corpus}-punct-avg-mtl")
        assert f"--head {other}" in select.args and "--head-splits" not in select.args
        for final, head_splits in (("traindev", False), ("all", True)):
            run = runs.run_by_name(f"{corpus}-punct-avg-mtl-{final}")
            assert run.epochs_from == select.name and f"--head {other}" in run.args
            assert ("--head-splits train dev" in run.args) == head_splits
    assert [r.name for r in RUNS].count("ncbi-punct-avg-mtl") == 1


def test_with_prerequisites_adds_the_selection_run_of_a_train_dev_run_unless_it_finished(tmp_path):
    assert [r.name for r in with_prerequisites(["bc5cdr-traindev"], tmp_path)] == ["bc5cdr-const", "bc5cdr-traindev"]
    (tmp_path / "bc5cdr-const" / "export").mkdir(parents=True)
    (tmp_path / "bc5cdr-const" / "history.json").write_text("{}")
    assert [r.name for r in with_prerequisites(["bc5cdr-traindev"], tmp_path)] == ["bc5cdr-const", "bc5cdr-traindev"]
    (tmp_path / "bc5cdr-const" / "export" / "model.onnx").write_bytes(b"")  # exported: finished
    assert [r.name for r in with_prerequisites(["bc5cdr-traindev"], tmp_path)] == ["bc5cdr-traindev"]
    with pytest.raises(SystemExit, match="no run named"):
        with_prerequisites(["no-such-run"], tmp_path)


def test_a_run_with_epoch_checkpoints_and_no_history_was_interrupted(tmp_path):
    run = runs.run_by_name("bc5cdr-punct")
    assert not runs.interrupted(run, tmp_path)
    (tmp_path / run.name).mkdir()
    (tmp_path / run.name / "epoch-03.pt").write_bytes(b"")
    assert runs.interrupted(run, tmp_path)
    (tmp_path / run.name / "history.json").write_text("{}")  # it finished
    assert not runs.interrupted(run, tmp_path)


class FakeProcess:
    """Finishes after `steps` polls with the given exit code; records what ran at the same time."""
    live = []

    def __init__(self, run, steps, code, log):
        self.run, self.steps, self.code = run, steps, code
        FakeProcess.live.append(self)
        log.append((run.name, sorted(p.run.name for p in FakeProcess.live)))

    def poll(self):
        self.steps -= 1
        if self.steps > 0:
            return None
        if self in FakeProcess.live:
            FakeProcess.live.remove(self)
        return self.code

    def terminate(self):
        FakeProcess.live.remove(self)


def fake_runs():
    return [Run("a", "ablation", "", "--threads 2"), Run("sel", "single", "", ""), Run("other", "single", "", ""),
            Run("td", "single", "", "--epochs {epochs}", epochs_from="sel")]


def test_schedule_keeps_to_the_thread_budget_and_waits_for_the_selection_run():
    log, steps = [], {"a": 1, "sel": 3, "other": 1, "td": 1}
    FakeProcess.live = []
    schedule(fake_runs(), 2, lambda r: FakeProcess(r, steps[r.name], 0, log), poll=0)
    started = [name for name, _ in log]
    assert started == ["a", "sel", "other", "td"]
    together = dict(log)
    assert together["a"] == ["a"]  # two threads: alone
    assert together["other"] == ["other", "sel"]  # one thread each: side by side
    assert "sel" not in together["td"]  # started only once sel had finished


def test_schedule_stops_at_the_first_failed_run():
    log = []
    FakeProcess.live = []
    with pytest.raises(SystemExit, match="run sel failed"):
        schedule(fake_runs()[1:], 2, lambda r: FakeProcess(r, 1, 1 if r.name == "sel" else 0, log), poll=0)
    assert "td" not in [name for name, _ in log]


def test_a_distilled_run_trains_on_its_unlabelled_source_with_its_teacher(tmp_path):
    (tmp_path / "bc5cdr-punct-avg-mtl-kd").mkdir()
    (tmp_path / "bc5cdr-punct-avg-mtl-kd" / "history.json").write_text('{"bestEpoch": 23}')
    command = train_command(runs.run_by_name("bc5cdr-punct-avg-mtl-kd-traindev-s14"), runs_dir=tmp_path)
    assert "--epochs 23" in command and "--seed 14" in command
    assert command.count("--conll-dir") == 1 and "--conll-dir tools/out/kd/bc5cdr-final" in command
    assert "--distill tools/out/kd/teacher-bc5cdr-final4 --distill-sources bc5cdr-kd" in command
    # the teacher that tags the unlabelled sentences comes before them; nothing twice
    names = [i.name for i in runs.distillation_inputs([runs.run_by_name("bc5cdr-punct-avg-mtl-kd"),
                                                       runs.run_by_name("bc5cdr-punct-avg-mtl-kd-traindev")])]
    assert names == ["teacher-bc5cdr-final", "bc5cdr-final", "teacher-bc5cdr-select", "teacher-bc5cdr-final4"]
    for teacher in runs.TEACHERS.values():  # every member is a known run
        assert all(runs.run_by_name(m) for m in teacher.members)


def test_a_teacher_is_built_from_finished_runs_only(tmp_path, monkeypatch):
    monkeypatch.setattr(runs.paths, "REPO", tmp_path)  # no teacher or unlabelled source exists yet
    with pytest.raises(SystemExit, match="teacher teacher-bc5cdr-final needs finished runs: make bc5cdr-punct-avg-mtl-traindev "):
        runs.make_distillation_inputs([runs.run_by_name("bc5cdr-punct-avg-mtl-kd")], tmp_path)
