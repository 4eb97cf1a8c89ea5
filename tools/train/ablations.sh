#!/usr/bin/env bash
# The training runs reported beside the shipped model in docs/benchmarks/ner.md (tools/train/report.py, RUNS):
# the ablations (quick profile, aci-train → aci-dev) and the single-corpus models compared with published results.
# Needs tools/out/conll and tools/out/embeddings (tools/reproduce.sh makes both). About an hour on 2 cores. The
# ablations ran with two torch threads when they were recorded, so they say --threads 2 to repeat them exactly.
set -euo pipefail
cd "$(dirname "$0")/.."
T="/usr/bin/python3 -m tools.train.train"
$T --quick --threads 2
$T --quick --threads 2 --random-init --out tools/out/runs/abl-random
$T --quick --threads 2 --simulate-missing TREATMENT=0.5 --out tools/out/runs/abl-partial
$T --quick --threads 2 --simulate-missing TREATMENT=0.5 --missing-as-o --out tools/out/runs/abl-missing-o
$T --sources ncbi-disease --dev-source ncbi-disease --complete --freeze-embeddings --out tools/out/runs/ncbi &
$T --sources bc5cdr --dev-source bc5cdr --complete --freeze-embeddings --out tools/out/runs/bc5cdr
wait
# Constant-lr selection runs, then the final-model protocol: train + dev for the epoch count each one chose.
$T --sources ncbi-disease --dev-source ncbi-disease --complete --freeze-embeddings --plateau-decay 0 --out tools/out/runs/ncbi-const &
$T --sources bc5cdr --dev-source bc5cdr --complete --freeze-embeddings --plateau-decay 0 --out tools/out/runs/bc5cdr-const
wait
best_epoch() { /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["bestEpoch"])' "tools/out/runs/$1/history.json"; }
$T --sources ncbi-disease --train-splits train dev --dev-source none --epochs "$(best_epoch ncbi-const)" --complete \
  --freeze-embeddings --plateau-decay 0 --out tools/out/runs/ncbi-traindev &
$T --sources bc5cdr --train-splits train dev --dev-source none --epochs "$(best_epoch bc5cdr-const)" --complete \
  --freeze-embeddings --plateau-decay 0 --out tools/out/runs/bc5cdr-traindev
wait
/usr/bin/python3 -m tools.train.report
