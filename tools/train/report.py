"""Evaluation report of a Kindling NER model directory, from the exported files alone (ONNX Runtime + Viterbi,
the computation the TypeScript runtime reproduces tag for tag): docs/benchmarks/ner.md and ner.json.

  /usr/bin/python3 -m tools.train.report [--model models/ner_clinical_open] [--embeddings models/embeddings_clinical_open]

Sets (from tools/out/conll, written by tools/corpora): aci-dev (the target convention; also used for model
selection), the MACCROBAT dev split and the test splits of NCBI-disease, BC5CDR (Disease), NeuroTrialNER and the
seeded Chia split. Each set is scored only on the labels it annotates.
"""
import argparse
import hashlib
import json
import platform
import time
from pathlib import Path

from . import paths
from .abbreviations import propagate_sentences
from .conll import read_conll
from .ensemble import build as build_ensemble
from .evaluate import chunk_scores, token_report
from .infer_onnx import OnnxTagger
from .runs import RUNS, VECTORS, ensemble_command, train_command

SETS = [  # (name, file, labels scored, multi-task head or None for the clinical output)
    ("aci-dev", "aci-dev.dev.conll", ["PROBLEM", "TEST", "TREATMENT"], None),
    ("MACCROBAT dev", "maccrobat2020.dev.conll", ["PROBLEM", "TEST", "TREATMENT"], None),
    ("NCBI-disease test", "ncbi-disease.test.conll", ["PROBLEM"], None),
    ("BC5CDR-disease test", "bc5cdr.test.conll", ["PROBLEM"], None),
    ("NeuroTrialNER test", "neurotrialner.test.conll", ["PROBLEM", "TREATMENT"], None),
    ("Chia test (seeded split)", "chia.test.conll", ["PROBLEM"], None),
    ("NCBI-disease test, `ncbi` head", "ncbi-disease.test.conll", ["PROBLEM"], "ncbi"),
    ("BC5CDR-disease test, `bc5cdr` head", "bc5cdr.test.conll", ["PROBLEM"], "bc5cdr"),
]

# Published BiLSTM-CRF baselines on the same corpora (strict/exact-match F1, disease mentions), for comparison.
PUBLISHED = [
    ("NCBI-disease", "BiLSTM-CRF baseline, Giorgi & Bader 2020 (Bioinformatics 36(1):280, Table 5; 5-fold CV)", 0.8701,
     "NCBI-disease test, `ncbi` head"),
    ("BC5CDR-disease", "BiLSTM-CRF baseline, Giorgi & Bader 2020 (Bioinformatics 36(1):280, Table 5; 5-fold CV)", 0.8449,
     "BC5CDR-disease test, `bc5cdr` head"),
]
GOALS = {"NCBI-disease": 0.85, "BC5CDR-disease": 0.84}  # issue 3's bars
ENSEMBLE = "+ensemble"  # ner-runs.json key suffix of a seed group's ensemble


def summarise_run(run_dir, run, conll_dir):
    """A run's summary from its history.json (and, for single-corpus models, its export scored on the test split)."""
    h = json.loads((run_dir / "history.json").read_text())
    # A fixed-epoch run trained the count its selection run chose: the command says that number.
    command = train_command(run, epochs=h["args"]["epochs"] if run.epochs_from else None)
    out = {"command": command, "bestEpoch": h["bestEpoch"],
           "epochs": len(h["history"]), "fixedEpochs": h["dev"] is None,
           "trainSecondsPerEpoch": round(sum(r["trainSeconds"] for r in h["history"]) / len(h["history"]), 1)}
    if h["dev"]:  # a fixed-epoch run (--dev-source none) has no selection scores
        out["devStrict"] = {lab: {k: round(v[k], 4) for k in ("precision", "recall", "f1")}
                            for lab, v in h["dev"]["chunks"]["strict"].items()}
        out["devStrictMicroF1PerEpoch"] = [row["devStrictMicroF1"] for row in h["history"]]
    if run.test:
        out["test"] = score_test(run_dir / "export", run, conll_dir)
    return out


def scoring_vectors(export, run):
    """The vectors a run's export is scored with: tuned ones exported beside it, else the frozen ones it trained
    with (its own, runs.VECTORS, or tools/out/embeddings)."""
    if run.vectors:
        return paths.REPO / VECTORS[run.vectors].out
    tuned = Path(export) / "embeddings"
    return tuned if tuned.exists() else paths.EMBEDDINGS_DIR


def test_split(run, conll_dir):
    """A single-corpus run's test CoNLL: a run on another tokenisation has its own (same gold mentions, tokenised as
    it was trained)."""
    return (paths.REPO / run.conll_dir if run.conll_dir else Path(conll_dir)) / run.test[1]


def score_test(export, run, conll_dir):
    """A single-corpus model's exported files scored on its test split, before and after the abbreviation stage."""
    corpus, file = run.test
    tagger = OnnxTagger(export, "model.onnx", scoring_vectors(export, run))
    sents = read_conll(test_split(run, conll_dir))
    gold, pred = [s.tags for s in sents], tagger.tag([s.tokens for s in sents])
    tch = chunk_scores(gold, pred, ["PROBLEM"])
    # The same predictions after @kindling/abbreviations' stage (tools/train/abbreviations.py: the same rules).
    ach = chunk_scores(gold, propagate_sentences(sents, pred), ["PROBLEM"])
    return {"corpus": corpus, "file": file, "strict": {k: round(tch["strict"]["micro"][k], 4) for k in ("precision", "recall", "f1")},
            "relaxedF1": round(tch["relaxed"]["micro"]["f1"], 4),
            "abbreviationsStrict": {k: round(ach["strict"]["micro"][k], 4) for k in ("precision", "recall", "f1")}}


def fingerprint(files):
    """SHA-256 over the given files' names and bytes (missing ones count as absent): a summary made from them is
    reused while they are unchanged."""
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.name}:{f.stat().st_size if f.exists() else -1}:".encode())
        if f.exists():
            h.update(f.read_bytes())
    return h.hexdigest()


def run_inputs(run_dir, run, conll_dir):
    """The files a run's summary is made from: its history, its exported model and manifest, and for a scored run
    its test split and the vectors it is scored with."""
    files = [run_dir / "history.json", run_dir / "export" / "model.onnx", run_dir / "export" / "manifest.json"]
    if run.test:
        vectors = scoring_vectors(run_dir / "export", run)
        files += [test_split(run, conll_dir), vectors / "vectors.bin", vectors / "vocab.txt"]
    return files


def seed_groups():
    """(run, [run and its seed repeats]) for each run that is repeated with other seeds."""
    return [(run, [run, *repeats]) for run in RUNS if (repeats := [r for r in RUNS if r.repeats == run.name])]


def summarise_ensemble(run, members, runs_dir, conll_dir):
    """The seeds of a run as one model (tools/train/ensemble.py), built under tools/out/ensembles and scored on the
    test split like a run."""
    dirs = [Path(runs_dir) / m.name for m in members]
    out = Path(runs_dir).parent / "ensembles" / run.name
    build_ensemble(dirs, out)
    command = ensemble_command(members, f"tools/out/ensembles/{run.name}")
    return {"command": command, "members": [m.name for m in members], "test": score_test(out, run, conll_dir)}


def runs_section(runs_dir, conll_dir, out_dir, rescore=False):
    """Markdown for the ablations and single-corpus models; refreshes ner-runs.json from the runs present. A summary
    whose files (`run_inputs`) are unchanged is kept as it is unless `rescore` (scoring a model takes up to a minute,
    and there are dozens)."""
    path = Path(out_dir) / "ner-runs.json"
    known = json.loads(path.read_text()) if path.exists() else {}

    def refresh(key, files, summarise):
        fp = fingerprint(files)
        if not rescore and known.get(key, {}).get("fingerprint") == fp:
            return print(f"{key}: unchanged")
        known[key] = {**summarise(), "fingerprint": fp}
        print(f"{key}: refreshed")

    for run in RUNS:
        d = Path(runs_dir) / run.name
        if (d / "history.json").exists() and (not run.test or (d / "export" / "model.onnx").exists()):
            refresh(run.name, run_inputs(d, run, conll_dir), lambda: summarise_run(d, run, conll_dir))
    for run, members in seed_groups():
        if all((Path(runs_dir) / m.name / "export" / "model.onnx").exists() for m in members):
            files = [f for m in members for f in run_inputs(Path(runs_dir) / m.name, m, conll_dir)]
            refresh(f"{run.name}{ENSEMBLE}", files, lambda: summarise_ensemble(run, members, runs_dir, conll_dir))
    path.write_text(json.dumps(known, indent=1) + "\n")
    md = ["", "## Ablations", "",
          "`--quick` profile (10 epochs, patience 3), aci-train → best aci-dev epoch, seed 13; `python -m tools.train.runs` "
          "makes them. `--simulate-missing TREATMENT=0.5` removes the TREATMENT spans of a seeded half of the aci-train "
          "notes, which then count as a source that does not annotate TREATMENT: a controlled version of mixing corpora "
          "with different label sets.", "",
          "| run | aci-dev strict micro-F1 (best epoch of run) | TREATMENT strict P / R / F1 | per epoch | command |",
          "|---|---:|---|---|---|"]
    for run in RUNS:
        r, what = known.get(run.name), run.what
        if run.kind != "ablation":
            continue
        if not r:
            md.append(f"| {what} | not run | | | |")
            continue
        t = r["devStrict"]["TREATMENT"]
        md.append(f"| {what} | {r['devStrict']['micro']['f1']:.4f} ({r['bestEpoch']} of {r['epochs']}) | "
                  f"{t['precision']:.3f} / {t['recall']:.3f} / {t['f1']:.3f} | "
                  f"{' '.join(f'{x:.3f}' for x in r['devStrictMicroF1PerEpoch'])} | `{r['command']}` |")
    md += ["", "## Single-corpus models (same toolchain)", "",
           "The BiLSTM-CNN-CRF of `tools/train` trained on one corpus in its own convention (`--complete`: its tags are "
           "the whole truth, no partial labels), selected on that corpus's dev split, scored on its test split from the "
           "exported ONNX model, with the pretrained vectors frozen (on these small corpora freezing generalised better: "
           "NCBI dev 0.867 vs 0.849 fine-tuned): the shipped model's 100-d vectors, or where the row says so 200-d "
           "vectors trained longer on the same text plus the unlabelled tokens of every corpus's train split "
           "(`tools/train/runs.py`, `VECTORS`). Rows \"split at punctuation\" read CoNLL files and vectors made with the "
           "Tokenizer's `splitPattern` set to split at hyphens, slashes, plus signs and brackets (`TOKENISATIONS`), as the "
           "published results' data was tokenised; there every official test mention is scored with its exact "
           "boundaries (the default Tokenizer leaves 2 % of them inside a token, widened to it). Rows \"averaged "
           "weights\" score and export an exponential moving average of the weights (`train.py --average 0.999`). Rows "
           "\"head on the other corpus\" also train an output layer and CRF of their own on the other disease corpus "
           "(`--head`; with \"(train + dev)\" on its train and dev splits, `--head-splits train dev`); only the main "
           "output is scored. "
           "These are the like-for-like comparison with published single-corpus BiLSTM-CRF results; they do not ship. Each corpus is also given in the usual protocol for a final model: "
           "trained on train + dev for the number of epochs a train-only run with the same settings chose on dev "
           "(so dev selects nothing in the final run; the test split is never looked at before scoring). The default "
           "schedule halves the lr only after a 2-epoch dev plateau, so where the best epoch comes first (BC5CDR) its "
           "model is the constant-lr one. Fine-tuned "
           "vectors and multi-task heads on the clinical model were tried too: `tools/train/README.md`.", "",
           "The `+ abbreviations` column scores the same predictions after `@kindling/abbreviations`' "
           "AbbreviationPropagator (a long form's label passes to the abstract's untagged uses of its short form; "
           "`tools/train/abbreviations.py` applies the same rules to the CoNLL predictions).", "",
           "| corpus | model | test strict P | R | F1 | relaxed F1 | + abbreviations F1 | epoch | published BiLSTM-CRF | goal | command |",
           "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|"]
    published = {corpus: (ref, f1) for corpus, ref, f1, _ in PUBLISHED}
    corpora = [corpus for corpus, _, _, _ in PUBLISHED]
    position = {r.name: i for i, r in enumerate(RUNS)}
    # Per corpus in RUNS order, a run's seed repeats right after it.
    in_order = lambda r: (corpora.index(r.test[0]), position[r.repeats or r.name], position[r.name])  # noqa: E731
    for run in sorted((r for r in RUNS if r.kind == "single"), key=in_order):
        r, what, test = known.get(run.name), run.what, run.test
        ref, f1 = published[test[0]]
        if not r:
            md.append(f"| {test[0]} | {what} | not run | | | | | | {f1:.4f} ({ref}) | ≥ {GOALS[test[0]]:.2f} | |")
            continue
        t = r["test"]["strict"]
        mark = "✓" if t["f1"] >= GOALS[test[0]] else "✗"
        epoch = f"{r['bestEpoch']} (fixed)" if r.get("fixedEpochs") else f"{r['bestEpoch']} of {r['epochs']}"
        md.append(f"| {test[0]} | {what} | {t['precision']:.4f} | {t['recall']:.4f} | **{t['f1']:.4f}** | "
                  f"{r['test']['relaxedF1']:.4f} | {r['test']['abbreviationsStrict']['f1']:.4f} | {epoch} | "
                  f"{f1:.4f} ({ref}) | ≥ {GOALS[test[0]]:.2f} {mark} | `{r['command']}` |")
    return md + seeds_table(known)


def seeds_table(known):
    """Test strict F1 of each run that is repeated with other seeds: every seed, the mean and the range."""
    md = ["", "### Over seeds", "",
          "One seed's test score moves by up to two points on these corpora, so each final model is repeated with "
          "two more seeds (same data, epochs and settings; rows above).", "",
          "The ensemble columns score the seeds' three models as one (`tools/train/ensemble.py`: the mean of their "
          "emissions and of their CRF scores, i.e. the product of their CRFs, exported as one ordinary Kindling model "
          "at three times the inference cost), before and after the abbreviation stage.", "",
          "| corpus | model | seeds | test strict F1 per seed | mean | min – max | mean + abbreviations | ensemble of the seeds | ensemble + abbreviations | goal |",
          "|---|---|---|---|---:|---|---:|---:|---:|---|"]
    for run, group in seed_groups():
        done = [r for r in group if r.name in known]
        if not done:
            continue
        scores = [known[r.name]["test"]["strict"]["f1"] for r in done]
        with_abbr = [known[r.name]["test"]["abbreviationsStrict"]["f1"] for r in done]
        seeds = [str(r.seed) for r in done]
        mean, mean_abbr, goal = sum(scores) / len(scores), sum(with_abbr) / len(with_abbr), GOALS[run.test[0]]
        mark = lambda x: "✓" if x >= goal else "✗"  # noqa: E731
        ens = known.get(f"{run.name}{ENSEMBLE}", {}).get("test")
        ens_cells = (f"{ens['strict']['f1']:.4f} {mark(ens['strict']['f1'])} | "
                     f"{ens['abbreviationsStrict']['f1']:.4f} {mark(ens['abbreviationsStrict']['f1'])}") if ens else "— | —"
        md.append(f"| {run.test[0]} | {run.what} | {', '.join(seeds)} | {' / '.join(f'{x:.4f}' for x in scores)} | "
                  f"**{mean:.4f}** {mark(mean)} | {min(scores):.4f} – {max(scores):.4f} | {mean_abbr:.4f} {mark(mean_abbr)} | "
                  f"{ens_cells} | ≥ {goal:.2f} |")
    return md


def chunk_table(scores):
    rows = ["| label | strict P | strict R | strict F1 | relaxed P | relaxed R | relaxed F1 | support |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for lab, s in scores["strict"].items():
        r = scores["relaxed"][lab]
        name = f"**{lab}**" if lab == "micro" else lab
        rows.append(f"| {name} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | "
                    f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {s['support']:,} |")
    return "\n".join(rows)


def token_table(rep):
    rows = ["| Label | Precision | Recall | F1-Score | Support |", "|---|---:|---:|---:|---:|"]
    for tag, r in rep["rows"].items():
        if tag == "macro avg":
            rows.append(f"| Accuracy | | | {rep['accuracy']:.4f} | {rep['support']:,} |")
        name = {"macro avg": "Macro Avg", "weighted avg": "Weighted Avg"}.get(tag, tag)
        rows.append(f"| {name} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['support']:,} |")
    return "\n".join(rows)


def selection_phrase(manifest):
    """How the shipped model was chosen on aci-dev: its epoch, and its seed when `select_run` chose among seeds."""
    epoch = manifest["metrics"].get("epoch")
    seeds = manifest["training"].get("seedSelection")
    if not seeds:
        return f"selected on aci-dev (epoch {epoch})"
    scores = " / ".join(f"{c['devStrictMicroF1']:.4f}" for c in seeds["candidates"])
    tried = ", ".join(str(c["seed"]) for c in seeds["candidates"])
    return f"selected on aci-dev (epoch {epoch}; seed {seeds['chosenSeed']} of seeds {tried}, which scored {scores})"


def aux_lm_phrase(manifest):
    """The auxiliary language-model objective the encoder trained with, if any (it is not in the exported graph)."""
    lm = manifest["training"].get("auxiliaryLanguageModel")
    return f", auxiliary LM objective (training only): weight {lm['weight']}, {lm['words']:,}-word vocabulary" if lm else ""


def reproduction_sentence(repro, sha):
    """What docs/benchmarks/reproduce.json says about the last `tools/reproduce.sh` run and the shipped model `sha`."""
    if not repro:
        return "Reproduction: `bash tools/reproduce.sh` (not timed yet)."
    where = ", ".join(filter(None, [repro["date"], repro.get("cpu"), repro["machine"]]))
    text = (f"Reproduction: `{repro['command']}` rebuilt the model from `../shared` (corpora, vectors, training, "
            f"export, parity) in **{repro['wallSeconds'] / 60:.0f} min** wall time ({where}); it produced model SHA-256 "
            f"`{repro['modelSha256'][:16]}…`")
    if repro["modelSha256"] == sha:
        return text + ", the shipped file."
    f1 = repro.get("acidevStrictMicroF1")
    return (text + (f", which scores {f1:.4f} on aci-dev" if f1 is not None else "") + ", not the shipped file: "
            "training took another path than where the shipped file was built. The command pins the floating-point "
            "kernels and threads that differ between CPUs; tools/train/README.md, \"Reproducibility\", says what it "
            "pins and what it cannot.")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(paths.REPO / "models" / "ner_clinical_open"))
    ap.add_argument("--embeddings", default=str(paths.REPO / "models" / "embeddings_clinical_open"))
    ap.add_argument("--conll-dir", default=str(paths.CONLL_DIR))
    ap.add_argument("--out", default=str(paths.REPO / "docs" / "benchmarks"))
    ap.add_argument("--runs", default=str(paths.RUNS_DIR), help="where the ablation and single-corpus runs are")
    ap.add_argument("--rescore", action="store_true",
                    help="score every run again, also those whose files are unchanged (after a change to the scoring)")
    args = ap.parse_args(argv)

    taggers = {None: OnnxTagger(args.model, "model.onnx", args.embeddings)}
    manifest = taggers[None].m
    for head in manifest.get("heads", {}):
        taggers[head] = OnnxTagger(args.model, "model.onnx", args.embeddings, head)
    sha = hashlib.sha256((Path(args.model) / "model.onnx").read_bytes()).hexdigest()
    results, sections = {}, []
    for name, file, labels, head in SETS:
        if head not in taggers:
            continue
        tagger = taggers[head]
        path = Path(args.conll_dir) / file
        if not path.exists():
            print(f"skipping {name}: {path} is missing (run node tools/corpora/dist/cli.js)")
            continue
        sents = read_conll(path)
        t0 = time.time()
        pred = tagger.tag([s.tokens for s in sents])
        secs = time.time() - t0
        gold = [s.tags for s in sents]
        ch, tok = chunk_scores(gold, pred, labels), token_report(gold, pred, labels)
        results[name] = {"labels": labels, "head": head, "sentences": len(sents), "seconds": round(secs, 2), "chunks": ch, "tokens": tok}
        print(f"{name}: strict micro-F1 {ch['strict']['micro']['f1']:.4f}")
        sections.append((name, labels, len(sents), ch, tok))

    repro_path = Path(args.out) / "reproduce.json"
    repro = json.loads(repro_path.read_text()) if repro_path.exists() else None
    training = ", ".join(f"{d['source']} ({'/'.join(d['labels']) or 'no label fully'})" for d in manifest.get("trainingData", []))
    md = [
        "# Clinical NER benchmark (ner_clinical_open)", "",
        f"Command: `/usr/bin/python3 -m tools.train.report` · {time.strftime('%Y-%m-%d')} · {platform.machine()}, "
        f"Python {platform.python_version()}", "",
        f"Model: `models/ner_clinical_open/model.onnx`, SHA-256 `{sha}`; trained on {training}; "
        f"{manifest['training']['profile']} profile, partial-label CRF: {manifest['training']['partialLabels']}, "
        f"fine-tuned vectors: {manifest['training'].get('tunedEmbeddings')}{aux_lm_phrase(manifest)}; "
        f"{selection_phrase(manifest)}, so aci-dev "
        "figures are slightly optimistic.", "",
        reproduction_sentence(repro, sha),
        "",
        "Scores come from the exported files alone (ONNX Runtime + Viterbi); `tools/parity` shows the TypeScript "
        "runtime gives the same tags on every aci-dev sentence. Chunk scores: strict = same label, start and end; "
        "relaxed = same label and overlapping. Each corpus is scored only on the labels it annotates.", "",
        "## Summary (strict micro-F1)", "",
        "| set | labels | sentences | strict P | strict R | strict F1 | relaxed F1 |", "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, labels, n, ch, _ in sections:
        s, r = ch["strict"]["micro"], ch["relaxed"]["micro"]
        md.append(f"| {name} | {', '.join(labels)} | {n:,} | {s['precision']:.4f} | {s['recall']:.4f} | **{s['f1']:.4f}** | {r['f1']:.4f} |")
    heads = manifest.get("heads", {})
    if heads:
        md += ["", "The clinical output (`emissions`) is what `MedicalNerModel` uses. Multi-task heads share the encoder "
               "and have their own output layer and CRF, trained on one corpus each in that corpus's own span convention "
               "(output `emissions_<head>` of the same ONNX file): "
               + "; ".join(f"`{h}` = {', '.join(d['sources'])} train split" for h, d in heads.items()) + ".", "",
               "## Against published BiLSTM-CRF results", "",
               "| corpus | published | F1 | Kindling | strict F1 | goal |", "|---|---|---:|---|---:|---|"]
        for corpus, ref, f1, ours in PUBLISHED:
            got = results.get(ours, {}).get("chunks", {}).get("strict", {}).get("micro", {}).get("f1")
            mark = "" if got is None else ("✓" if got >= GOALS[corpus] else "✗")
            md.append(f"| {corpus} | {ref} | {f1:.4f} | {ours} | {'' if got is None else f'{got:.4f}'} | ≥ {GOALS[corpus]:.2f} {mark} |")
    md += runs_section(args.runs, args.conll_dir, args.out, args.rescore)
    for name, labels, n, ch, tok in sections:
        md += ["", f"## {name}", "", "Chunks:", "", chunk_table(ch), "", "Tokens (the model card's format):", "", token_table(tok)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ner.md").write_text("\n".join(md) + "\n")
    (out / "ner.json").write_text(json.dumps({"model_sha256": sha, "command": "/usr/bin/python3 -m tools.train.report",
                                              "results": results}, indent=1) + "\n")
    print(f"wrote {out / 'ner.md'} and ner.json")


if __name__ == "__main__":
    main()
