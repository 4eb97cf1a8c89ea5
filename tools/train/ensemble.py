"""Several runs of one recipe (e.g. its seeds) as one ordinary Kindling NER model: the ONNX graph runs every member
and outputs the mean of their emissions, and the manifest's CRF scores are the mean of theirs. Viterbi over those
scores finds the best path under the normalised product of the members' CRFs (each member's log-potential summed;
the mean only changes the temperature of the confidences), so `MedicalNerModel` and `infer_onnx` run it unchanged,
at N times the cost of one member.

  /usr/bin/python3 -m tools.train.ensemble tools/out/runs/bc5cdr-x tools/out/runs/bc5cdr-x-s14 --out tools/out/ens

Members must share tags, char vocabulary, window and word vectors (they do when only the seed differs). Their
multi-task heads are left out: the ensemble has the main output only.
"""
import argparse
import hashlib
import json
from pathlib import Path

import torch
from torch import nn

from .export import fp16_weights, load, parity, to_onnx


class EnsembleTagger(nn.Module):
    """The members' mean emissions, in the shape of a single tagger (no heads)."""

    def __init__(self, taggers):
        super().__init__()
        self.members = nn.ModuleList(taggers)
        self.heads = nn.ModuleDict()

    def forward(self, word_vectors, char_ids, lengths, head=None):
        assert head is None, "an ensemble has the main output only"
        return torch.stack([m(word_vectors, char_ids, lengths) for m in self.members]).mean(dim=0)


def mean_scores(crfs):
    """The members' transition, start and end scores, averaged."""
    return [torch.stack(parts).mean(dim=0).tolist() for parts in zip(*(c.scores() for c in crfs))]


def build(run_dirs, out_dir):
    members = [load(Path(d) / "best.pt") for d in run_dirs]
    manifests = [json.loads((Path(d) / "export" / "manifest.json").read_text()) for d in run_dirs]
    first = manifests[0]
    for key in ("tags", "charVocab", "maxCharsPerToken", "window", "embeddings"):
        differing = [str(d) for d, m in zip(run_dirs, manifests) if m[key] != first[key]]
        assert not differing, f"{key} differs from {run_dirs[0]}'s in: {', '.join(differing)}"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ensemble = EnsembleTagger([tagger for _, tagger, _, _ in members]).eval()
    dim, max_chars = first["embeddings"]["dimension"], first["maxCharsPerToken"]
    n_chars = len(first["charVocab"])
    onnx_path, fp16_path = out / "model.onnx", out / "model.fp16.onnx"
    to_onnx(ensemble, onnx_path, n_chars, dim, max_chars, graph=ensemble)
    check = parity(ensemble, onnx_path, n_chars, dim, max_chars)
    fp16_weights(onnx_path, fp16_path)
    check16 = parity(ensemble, fp16_path, n_chars, dim, max_chars)
    trans, start, end = mean_scores([crf for _, _, crf, _ in members])
    files = {p.name: {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size}
             for p in (onnx_path, fp16_path)}
    manifest = {**{k: v for k, v in first.items() if k not in ("heads", "metrics", "parity", "files")},
                "name": f"{first['name']}_ensemble",
                "transitions": trans, "startTransitions": start, "endTransitions": end,
                "outputs": {"emissions": "float32 [B,T,K]"},
                "ensemble": {"method": "mean emissions and mean CRF scores of the members (product of their CRFs)",
                             "members": [{"run": str(d), "seed": m["training"]["seed"]}
                                         for d, m in zip(run_dirs, manifests)]},
                "metrics": {"members": [m["metrics"] for m in manifests]},
                "parity": {"model.onnx": check, "model.fp16.onnx": check16}, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"exported {len(members)} members -> {onnx_path} ({onnx_path.stat().st_size / 1e6:.2f} MB) + manifest.json")
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="run directories (each with best.pt and export/manifest.json)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    build(args.runs, args.out)


if __name__ == "__main__":
    main()
