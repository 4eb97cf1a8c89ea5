"""Pick the run to ship among runs of one recipe that differ only in their seed: the best dev strict micro-F1.

  /usr/bin/python3 -m tools.train.select_run tools/out/runs/release-s13 tools/out/runs/release-s14 \
      --link tools/out/runs/release

Before the auxiliary LM objective the recipe scored 0.898-0.910 on aci-dev across seeds (tools/train README,
"Session 11"), so one seed could land under the 0.90 goal by chance; with it 0.9106-0.9145 ("Session 14").
Choosing among seeds on the dev set is model selection like early stopping, and like it, it makes the chosen run's
dev score an optimistic estimate. `--link` points a symlink at the chosen run
and records the choice in its export's manifest (`training.seedSelection`), so the shipped files say how they
were picked.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def best_dev_f1(run: Path) -> tuple[float, int, int]:
    """(best dev strict micro-F1, its epoch, the run's seed) from a finished run's history.json."""
    path = run / "history.json"
    if not path.exists():
        raise SystemExit(f"select_run: {path} is missing: did the run finish?")
    history = json.loads(path.read_text())
    if not history.get("dev"):
        raise SystemExit(f"select_run: {run} has no dev score (trained with --dev-source none?): nothing to choose by")
    return (history["dev"]["chunks"]["strict"]["micro"]["f1"], history["bestEpoch"], history["args"]["seed"])


def select(runs: list[Path]) -> tuple[Path, dict]:
    """The best run (the earlier one in `runs` on a tie) and a record of every candidate."""
    scored = [(run, *best_dev_f1(run)) for run in runs]
    best = max(scored, key=lambda row: row[1])  # max keeps the first of equal scores
    record = {"criterion": "best dev strict micro-F1 among seeds",
              "candidates": [{"seed": seed, "devStrictMicroF1": round(f1, 4), "bestEpoch": epoch}
                             for _, f1, epoch, seed in scored],
              "chosenSeed": best[3]}
    return best[0], record


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--link", type=Path, required=True, help="symlink to create at the chosen run")
    args = ap.parse_args()
    if args.link.exists() and not args.link.is_symlink() and not args.link.is_file():
        raise SystemExit(f"select_run: {args.link} is a directory; remove it or choose another --link")
    chosen, record = select(args.runs)
    for row in record["candidates"]:
        mark = "  <- chosen" if row["seed"] == record["chosenSeed"] else ""
        print(f"seed {row['seed']}: dev strict micro-F1 {row['devStrictMicroF1']:.4f} (epoch {row['bestEpoch']}){mark}")
    manifest_path = chosen / "export" / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        manifest.setdefault("training", {})["seedSelection"] = record
        manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    if args.link.is_symlink() or args.link.is_file():
        args.link.unlink()
    args.link.symlink_to(os.path.relpath(chosen.resolve(), args.link.parent.resolve()))


if __name__ == "__main__":
    main()
