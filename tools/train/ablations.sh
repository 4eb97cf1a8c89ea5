#!/usr/bin/env bash
# The training runs reported beside the shipped model in docs/benchmarks/ner.md (tools/train/report.py, RUNS):
# the ablations (quick profile, aci-train → aci-dev) and the single-corpus models compared with published results.
# Needs tools/out/conll and tools/out/embeddings (tools/reproduce.sh makes both). About 70 minutes on 2 cores; the
# single-corpus runs use one thread each, which is faster per run than two on this kind of machine.
set -euo pipefail
cd "$(dirname "$0")/.."
T="/usr/bin/python3 -m tools.train.train"
$T --quick
$T --quick --random-init --out tools/out/runs/abl-random
$T --quick --simulate-missing TREATMENT=0.5 --out tools/out/runs/abl-partial
$T --quick --simulate-missing TREATMENT=0.5 --missing-as-o --out tools/out/runs/abl-missing-o
$T --sources ncbi-disease --dev-source ncbi-disease --complete --threads 1 --out tools/out/runs/ncbi &
$T --sources bc5cdr --dev-source bc5cdr --complete --threads 1 --out tools/out/runs/bc5cdr
wait
/usr/bin/python3 -m tools.train.report
