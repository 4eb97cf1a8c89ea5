#!/usr/bin/env bash
# Checks that tools/reproduce.sh's kernel pins make training independent of the CPU: the first epoch of the
# shipped recipe (seed 13) on this CPU, then on other x86-64 CPUs emulated by qemu-user, must give the same loss
# and aci-dev score to the last digit. Needs `apt-get install qemu-user` and the CoNLL and vectors reproduce.sh
# builds; about 18 minutes per emulated CPU.
#   bash tools/train/cpu_check.sh              # Haswell (Intel, AVX2) and EPYC (AMD Zen, AVX2)
#   bash tools/train/cpu_check.sh Skylake-Client
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/train/pinned-kernels.sh
source tools/train/recipe.sh
cpus=("$@")
[ ${#cpus[@]} -gt 0 ] || cpus=(Haswell EPYC)

# "loss …, aci-dev …" of one epoch, run by "$@" (nothing, or qemu-x86_64 -cpu NAME).
first_epoch() {
  "$@" /usr/bin/python3 -m tools.train.train "${recipe[@]}" --seed 13 --epochs 1 --no-export \
      --out tools/out/runs/cpu-check 2>/dev/null |
    /usr/bin/python3 -c 'import json, sys
for line in sys.stdin:
    if line.startswith("{"):
        e = json.loads(line); print("loss %r, aci-dev %s" % (e["loss"], e["devStrictMicroF1"]))'
}

native=$(first_epoch || true)
[ -n "$native" ] || { echo "cpu_check: the run on this CPU printed no epoch (see tools/train/train.py's output)" >&2; exit 1; }
echo "this CPU: $native"
status=0
for cpu in "${cpus[@]}"; do
  emulated=$(first_epoch qemu-x86_64 -cpu "$cpu" || true)
  if [ -z "$emulated" ]; then verdict="FAILED (no epoch printed)"; status=1
  elif [ "$emulated" = "$native" ]; then verdict=same
  else verdict=DIFFERENT; status=1; fi
  echo "$cpu (emulated): ${emulated:-nothing}: $verdict"
done
exit $status
