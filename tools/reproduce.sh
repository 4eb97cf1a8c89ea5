#!/usr/bin/env bash
# Reproduces the shipped models from ../shared in one command and reports the wall time:
#   bash tools/reproduce.sh            # full profile (what ships)
#   bash tools/reproduce.sh --quick    # iteration profile
# Steps: corpora → CoNLL with Kindling's own tokenizer; plain text → tokens → word vectors; BiLSTM-CNN-CRF
# training with three seeds (early stopping and the choice of seed on aci-dev); ONNX export; copy into models/;
# evaluation report; TS parity check.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=("$@")
P=/usr/bin/python3
seeds=(13 14 15)
started=$(date +%s)

# The same bytes on other x86-64 CPUs with AVX2 and FMA and the same library versions: the kernels are pinned.
source tools/train/pinned-kernels.sh
source tools/train/recipe.sh

npm run build >/dev/null
node tools/corpora/dist/cli.js --out tools/out/conll
node tools/corpora/dist/cli.js --tokens-only
# One gensim worker and a fixed hash seed make the vectors bit-reproducible (gensim's threads race otherwise).
PYTHONHASHSEED=0 $P -m tools.train.vectors --workers 1 --out tools/out/embeddings
# One torch thread per run, two runs side by side; each run's log is in tools/out/logs.
mkdir -p tools/out/logs
printf '%s\n' "${seeds[@]}" | xargs -P 2 -I{} sh -c \
  '"$0" -m tools.train.train "$@" --seed {} --out tools/out/runs/release-s{} \
     > tools/out/logs/release-s{}.log 2>&1 || { echo "seed {} failed: tools/out/logs/release-s{}.log" >&2; exit 1; }' \
  "$P" "${recipe[@]}" "${profile[@]}"
rm -rf tools/out/runs/release
$P -m tools.train.select_run "${seeds[@]/#/tools/out/runs/release-s}" --link tools/out/runs/release

# The committed model, to say below whether this run rebuilt it bit for bit.
shipped_sha=$(sha256sum models/ner_clinical_open/model.onnx 2>/dev/null | cut -d' ' -f1 || true)
shipped_f1=$($P -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["strict"]["micro"]["f1"])' \
  models/ner_clinical_open/manifest.json 2>/dev/null || true)

# Ship: the fine-tuned vectors (storageRef embeddings_clinical_open_base_tuned) are the shipped
# embeddings_clinical_open, so both files carry that storageRef.
export_dir=tools/out/runs/release/export
mkdir -p models/ner_clinical_open models/embeddings_clinical_open
cp "$export_dir/model.onnx" "$export_dir/manifest.json" models/ner_clinical_open/
cp "$export_dir"/embeddings/{embeddings.json,vocab.txt,vectors.bin} models/embeddings_clinical_open/
sed -i 's/"embeddings_clinical_open_base_tuned"/"embeddings_clinical_open"/' models/ner_clinical_open/manifest.json models/embeddings_clinical_open/embeddings.json

# Parity: the TypeScript runtime's tags against PyTorch's on every aci-dev sentence.
$P -m tools.train.predict_torch tools/out/runs/release/best.pt --pred tools/out/aci-dev.torch.conll
node tools/parity/parity.mjs --reference tools/out/aci-dev.torch.conll --out docs/benchmarks/parity.json
# ... and with the fp16-weight export (half the size, not shipped), which must agree on >= 99.9% of the tokens.
node tools/parity/parity.mjs --reference tools/out/aci-dev.torch.conll --model "$export_dir" \
  --embeddings "$export_dir/embeddings" --onnx model.fp16.onnx --out docs/benchmarks/parity-fp16.json

# The wall time from ../shared to checked, shipped files; the report (docs/benchmarks/ner.md) quotes it.
elapsed=$(( $(date +%s) - started ))
$P - "$elapsed" "${profile[*]:-}" "$shipped_sha" "$shipped_f1" <<'PY'
import json, platform, os, sys, time, hashlib
from pathlib import Path
elapsed, profile, shipped_sha, shipped_f1 = sys.argv[1:5]
sha = hashlib.sha256(Path("models/ner_clinical_open/model.onnx").read_bytes()).hexdigest()
f1 = json.loads(Path("models/ner_clinical_open/manifest.json").read_text())["metrics"]["strict"]["micro"]["f1"]
# Which CPU: its floating-point kernels decide whether the files come out bit for bit as on another machine.
cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
           platform.processor()) + (", AVX-512" if " avx512f" in cpuinfo else "")
Path("docs/benchmarks/reproduce.json").write_text(json.dumps({
    "command": ("bash tools/reproduce.sh " + profile).strip(), "wallSeconds": int(elapsed),
    "date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    "cpu": cpu,
    "modelSha256": sha, "acidevStrictMicroF1": f1,
    # The model in models/ before this run, which it replaced.
    "previousModelSha256": shipped_sha or None, "previousAcidevStrictMicroF1": float(shipped_f1) if shipped_f1 else None,
    "identicalToPrevious": sha == shipped_sha}, indent=1) + "\n")
verdict = "the committed model, bit for bit" if sha == shipped_sha else \
    f"a different model than the committed one ({shipped_sha[:16]}…, aci-dev {shipped_f1})" if shipped_sha else "new"
print(f"model {sha[:16]}…: aci-dev strict micro-F1 {f1}; {verdict}")
PY
$P -m tools.train.report
node tools/docs/refresh.mjs
echo "reproduced in ${elapsed}s (report and docs: $(( $(date +%s) - started - elapsed ))s more)"
