#!/usr/bin/env bash
# The training runs reported beside the shipped model in docs/benchmarks/ner.md (tools/train/report.py, RUNS):
# the ablations (quick profile, aci-train → aci-dev) and the single-corpus models compared with published results.
# Needs tools/out/conll and tools/out/embeddings (tools/reproduce.sh makes both). About 30 minutes on 2 cores. The
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
/usr/bin/python3 -m tools.train.report
