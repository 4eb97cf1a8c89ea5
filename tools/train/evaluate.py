"""Chunk-level (strict and relaxed) and token-level scores, scoring only the labels a corpus annotates.

  strict:  a predicted chunk counts if a gold chunk has the same label, start and end.
  relaxed: a predicted chunk counts if it overlaps a gold chunk of the same label (precision side);
           a gold chunk counts if some same-label predicted chunk overlaps it (recall side).

CLI, scoring a prediction CoNLL (e.g. written by the TS pipeline; tokens must match the gold file):
  /usr/bin/python3 -m tools.train.evaluate --gold tools/out/conll/aci-dev.dev.conll --pred pred.conll
  [--labels PROBLEM TEST TREATMENT]
"""
import argparse
import json
from collections import Counter

from .conll import LABELS, chunks, read_conll


def _prf(tp_p, n_pred, tp_g, n_gold):
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "support": n_gold, "predicted": n_pred}


def chunk_scores(gold_seqs, pred_seqs, labels=LABELS):
    """{"strict": {label: prf, "micro": prf}, "relaxed": {...}} over sentences (lists of BIO tags)."""
    labels = list(labels)
    c = {m: Counter() for m in ("strict_tp", "rel_tp_p", "rel_tp_g", "pred", "gold")}
    for gold, pred in zip(gold_seqs, pred_seqs):
        g = [x for x in chunks(gold) if x[0] in labels]
        p = [x for x in chunks(pred) if x[0] in labels]
        gs = set(g)
        for x in p:
            c["pred"][x[0]] += 1
            c["strict_tp"][x[0]] += x in gs
            c["rel_tp_p"][x[0]] += any(y[0] == x[0] and y[1] < x[2] and x[1] < y[2] for y in g)
        for y in g:
            c["gold"][y[0]] += 1
            c["rel_tp_g"][y[0]] += any(x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for x in p)
    out = {"strict": {}, "relaxed": {}}
    for lab in labels + ["micro"]:
        pick = (lambda k: sum(c[k][l] for l in labels)) if lab == "micro" else (lambda k: c[k][lab])
        out["strict"][lab] = _prf(pick("strict_tp"), pick("pred"), pick("strict_tp"), pick("gold"))
        out["relaxed"][lab] = _prf(pick("rel_tp_p"), pick("pred"), pick("rel_tp_g"), pick("gold"))
    return out


def token_report(gold_seqs, pred_seqs, labels=LABELS):
    """sklearn-style per-tag P/R/F1/support, accuracy, macro and weighted averages.
    Predicted tags of labels the corpus does not annotate count as O."""
    labels = list(labels)
    norm = lambda t: t if t == "O" or t[2:] in labels else "O"
    tags = [f"{p}-{l}" for l in labels for p in ("B", "I")] + ["O"]
    tp, n_pred, n_gold, correct, total = Counter(), Counter(), Counter(), 0, 0
    for gold, pred in zip(gold_seqs, pred_seqs):
        for g, p in zip(map(norm, gold), map(norm, pred)):
            n_gold[g] += 1
            n_pred[p] += 1
            tp[g] += g == p
            correct += g == p
            total += 1
    rows = {t: _prf(tp[t], n_pred[t], tp[t], n_gold[t]) for t in tags}
    n = sum(n_gold[t] for t in tags)
    avg = lambda key, w: sum(rows[t][key] * w(t) for t in tags)
    rows["macro avg"] = {k: avg(k, lambda t: 1 / len(tags)) for k in ("precision", "recall", "f1")}
    rows["weighted avg"] = {k: avg(k, lambda t: n_gold[t] / n if n else 0) for k in ("precision", "recall", "f1")}
    for k in ("macro avg", "weighted avg"):
        rows[k]["support"] = n
    return {"rows": rows, "accuracy": correct / total if total else 0.0, "support": total}


def format_chunks(scores):
    lines = [f"{'':12}{'strict P':>10}{'R':>8}{'F1':>8}  {'relaxed P':>10}{'R':>8}{'F1':>8}{'support':>9}"]
    for lab, s in scores["strict"].items():
        r = scores["relaxed"][lab]
        lines.append(f"{lab:12}{s['precision']:10.4f}{s['recall']:8.4f}{s['f1']:8.4f}  "
                     f"{r['precision']:10.4f}{r['recall']:8.4f}{r['f1']:8.4f}{s['support']:9d}")
    return "\n".join(lines)


def format_tokens(report):
    rows = report["rows"]
    lines = [f"{'':14}{'precision':>10}{'recall':>10}{'f1-score':>10}{'support':>10}"]
    for tag, r in rows.items():
        if tag == "macro avg":
            lines.append(f"\n{'accuracy':14}{'':20}{report['accuracy']:10.4f}{report['support']:10d}")
        lines.append(f"{tag:14}{r['precision']:10.4f}{r['recall']:10.4f}{r['f1']:10.4f}{r['support']:10d}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--pred", required=True)
    ap.add_argument("--labels", nargs="+", default=list(LABELS))
    ap.add_argument("--json", help="also write the scores here")
    args = ap.parse_args(argv)
    gold, pred = read_conll(args.gold), read_conll(args.pred)
    assert len(gold) == len(pred), "sentence counts differ"
    for g, p in zip(gold, pred):
        assert g.tokens == p.tokens, f"token mismatch: {g.tokens[:8]} vs {p.tokens[:8]}"
    gs, ps = [s.tags for s in gold], [s.tags for s in pred]
    ch, tok = chunk_scores(gs, ps, args.labels), token_report(gs, ps, args.labels)
    print(format_chunks(ch) + "\n\n" + format_tokens(tok))
    if args.json:
        open(args.json, "w").write(json.dumps({"chunks": ch, "tokens": tok}, indent=2))


if __name__ == "__main__":
    main()
