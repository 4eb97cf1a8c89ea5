"""Character language models for contextual string embeddings (Akbik et al. 2018, "Contextual String Embeddings for
Sequence Labeling"; HunFlair, Weber et al. 2021, for biomedical text).

A forward LSTM reads a sentence's characters left to right and predicts the next one; a backward LSTM does the same
right to left. A token's contextual embedding is the forward state after its last character joined with the backward
state after its first character: each state has read the token and everything on one side of it. Both are trained
on the tokenised text of the word vectors (tokens joined by single spaces, one sentence per line: the form the
features are computed on at run time) plus the train splits' text, never a dev or test split and never MTSamples.

  /usr/bin/python3 -m tools.train.charlm --direction fwd --out tools/out/charlm-punct/fwd --minutes 45
  /usr/bin/python3 -m tools.train.charlm --direction bwd --out tools/out/charlm-punct/bwd --minutes 45

Each sentence is one sequence, "\\n" + text + "\\n", from a zero state: exactly what inference sees, so no state is
carried between batches. Checkpoints (`lm.pt`, with held-out bits per character in `history.json`) every
`--checkpoint-minutes` and at the end; `--resume` continues from the last one.
"""
import argparse
import gzip
import json
import math
import random
import time
from collections import Counter
from pathlib import Path

import torch
from torch import nn

from . import conll, paths
from .seeding import add_seed_args, seeded

BOUNDARY = "\n"
UNK = 1  # id 0 pads


def sentence_text(tokens):
    return " ".join(tokens)


def read_text(tokens_path, conll_dir=None, sources=()):
    """Sentences as strings: the tokenised text file, then the train splits of `sources` in `conll_dir`."""
    out = []
    with gzip.open(tokens_path, "rt", encoding="utf-8") as f:
        out.extend(line.rstrip("\n") for line in f if line.strip())
    for source in sources:
        path = Path(conll_dir) / f"{source}.train.conll"
        out.extend(sentence_text(sent.tokens) for sent in conll.read_conll(path))
    return out


class CharLM(nn.Module):
    def __init__(self, n_chars, dim=64, hidden=256):
        super().__init__()
        self.emb = nn.Embedding(n_chars, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_chars)

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return h


def encode(text, index, reverse, unknown=UNK, boundary=BOUNDARY):
    """Char ids of the framed text, read backwards for the backward LM: what training and run time both feed."""
    s = boundary + (text[::-1] if reverse else text) + boundary
    return [index.get(c, unknown) for c in s]


def batches(seqs, batch_chars, rng):
    """Length-bucketed batches of about batch_chars characters, in random order."""
    order = sorted(range(len(seqs)), key=lambda i: (len(seqs[i]), i))
    out, cur, width = [], [], 0
    for i in order:
        width = max(width, len(seqs[i]))
        if cur and width * (len(cur) + 1) > batch_chars:
            out.append(cur)
            cur, width = [], len(seqs[i])
        cur.append(i)
    if cur:
        out.append(cur)
    rng.shuffle(out)
    return out


def pad(seqs, idx):
    width = max(len(seqs[i]) for i in idx)
    x = torch.zeros(len(idx), width, dtype=torch.long)
    for r, i in enumerate(idx):
        x[r, :len(seqs[i])] = torch.tensor(seqs[i])
    return x


def loss_on(model, x):
    h = model(x[:, :-1])
    target = x[:, 1:]
    logits = model.out(h)
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=0,
                                       reduction="sum"), int((target > 0).sum())


def held_out_bpc(model, seqs, batch_chars):
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for idx in batches(seqs, batch_chars, random.Random(0)):
            loss, k = loss_on(model, pad(seqs, idx))
            total, n = total + float(loss), n + k
    model.train()
    return total / n / math.log(2)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--direction", choices=["fwd", "bwd"], required=True)
    ap.add_argument("--tokens", default=str(paths.OUT / "text-punct" / "tokens.txt.gz"))
    ap.add_argument("--conll-dir", default=str(paths.OUT / "conll-punct"))
    ap.add_argument("--train-text", nargs="*", default=["aci-train", "bc5cdr", "ncbi-disease", "chia",
                                                         "maccrobat2020", "neurotrialner"], metavar="SOURCE",
                    help="sources whose train split's text is added (never dev or test)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--min-count", type=int, default=20, help="rarer characters share one unknown id")
    ap.add_argument("--max-chars", type=int, default=600, help="longer sentences are cut into pieces")
    ap.add_argument("--batch-chars", type=int, default=16000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--minutes", type=float, default=45)
    ap.add_argument("--max-steps", type=int, help="stop after this many updates (tests; default: --minutes only)")
    ap.add_argument("--checkpoint-minutes", type=float, default=5)
    ap.add_argument("--held-out", type=int, default=200, help="every Nth sentence is held out")
    add_seed_args(ap)
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args(argv)
    rng = seeded(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    texts = read_text(args.tokens, args.conll_dir, args.train_text)
    pieces = [t[a:a + args.max_chars] for t in texts for a in range(0, max(len(t), 1), args.max_chars)]
    counts = Counter(c for t in pieces for c in t)
    chars = [BOUNDARY] + sorted(c for c, n in counts.items() if n >= args.min_count and c != BOUNDARY)
    index = {c: i + 2 for i, c in enumerate(chars)}
    reverse = args.direction == "bwd"
    seqs = [encode(t, index, reverse) for t in pieces]
    held = seqs[::args.held_out]
    train = [s for i, s in enumerate(seqs) if i % args.held_out]
    print(f"{len(train):,} training sentences ({sum(map(len, train)):,} chars), {len(held):,} held out; "
          f"{len(chars)} characters", flush=True)

    model = CharLM(len(chars) + 2, args.dim, args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    history, step, epoch = [], 0, 0
    if args.resume and (out / "lm.pt").exists():
        state = torch.load(out / "lm.pt")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        history, step, epoch = state["history"], state["step"], state["epoch"]
        rng.setstate(state["rng"])

    def checkpoint(elapsed):
        bpc = held_out_bpc(model, held, args.batch_chars)
        history.append({"step": step, "epoch": epoch, "minutes": round(elapsed / 60, 2), "heldOutBpc": round(bpc, 4)})
        print(json.dumps(history[-1]), flush=True)
        config = {"direction": args.direction, "chars": chars, "dim": args.dim, "hidden": args.hidden,
                  "boundary": BOUNDARY, "unknown": UNK}
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "history": history, "step": step,
                    "epoch": epoch, "rng": rng.getstate(), "config": config}, out / "lm.pt.tmp")
        (out / "lm.pt.tmp").replace(out / "lm.pt")
        (out / "history.json").write_text(json.dumps({"config": {k: v for k, v in config.items() if k != "chars"},
                                                      "args": vars(args), "history": history}, indent=1))

    start = time.time() - (history[-1]["minutes"] * 60 if history else 0)
    last_checkpoint = time.time()
    done = False
    while not done:
        for idx in batches(train, args.batch_chars, rng):
            loss, n = loss_on(model, pad(train, idx))
            opt.zero_grad()
            (loss / n).backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            step += 1
            if step % 200 == 0:
                print(f"step {step} epoch {epoch} bpc {float(loss) / n / math.log(2):.3f} "
                      f"{(time.time() - start) / 60:.1f} min", flush=True)
            if time.time() - last_checkpoint > args.checkpoint_minutes * 60:
                checkpoint(time.time() - start)
                last_checkpoint = time.time()
            if time.time() - start > args.minutes * 60 or (args.max_steps and step >= args.max_steps):
                done = True
                break
        else:
            epoch += 1
    checkpoint(time.time() - start)


if __name__ == "__main__":
    main()
