"""Train the BiLSTM-CNN-CRF tagger on CoNLL sources (partial labels), select on aci-dev, export to ONNX.

  /usr/bin/python3 -m tools.train.train --smoke     # slice of data, 1 epoch, export + parity (< 5 min)
  /usr/bin/python3 -m tools.train.train --quick     # all data, <= 10 epochs
  /usr/bin/python3 -m tools.train.train             # full: <= 40 epochs, early stopping
Options: --sources aci-train [more...] --embeddings DIR --missing-as-o --freeze-embeddings --out DIR ...

aci-dev is used for model selection and early stopping only: never for training, vocabularies or anything
that ships (the char vocabulary comes from the training sentences).
"""
import argparse
import hashlib
import json
import random
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import chars, conll, paths
from .averaging import WeightAverage
from .conll import LABELS, head_tags, load_split, tags_for
from .crf import CRF
from .data import (Encoder, Lexicon, bucketed_batches, collate, inference_windows,
                   split_windows_for_training)
from .evaluate import chunk_scores, format_chunks, format_tokens, token_report
from .model import Tagger
from .seeding import add_seed_args, seeded

PROFILES = {
    "smoke": dict(epochs=1, patience=1, train_limit=1500, dev_limit=400, plateau_decay=0.0),
    "quick": dict(epochs=10, patience=3, train_limit=None, dev_limit=None, plateau_decay=0.0),
    # Halving the lr on a dev plateau: 0.9063 vs 0.8997 with a constant lr on the same vectors and seed.
    "full": dict(epochs=40, patience=8, train_limit=None, dev_limit=None, plateau_decay=0.5),
}


class LanguageModelHead(nn.Module):
    """Rei (2017), "Semi-supervised multitask learning for sequence labeling": besides the tags, the forward LSTM's
    state predicts the next word and the backward one the previous word, through a small tanh layer and a softmax
    over the training text's most frequent words. Only training uses it; the exported graph is unchanged."""

    def __init__(self, hidden, n_words, size=50):
        super().__init__()
        self.fwd = nn.Sequential(nn.Linear(hidden, size), nn.Tanh(), nn.Linear(size, n_words))
        self.bwd = nn.Sequential(nn.Linear(hidden, size), nn.Tanh(), nn.Linear(size, n_words))

    def loss(self, states, targets):
        """states [B,T,2H] (forward half, then backward half, both in reading order), targets [B,T] (-100 pads)."""
        h = states.shape[2] // 2
        nxt = self.fwd(states[:, :-1, :h])
        prev = self.bwd(states[:, 1:, h:])
        ce = lambda logits, gold: nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), gold.reshape(-1),
                                                              ignore_index=-100, reduction="sum")
        return ce(nxt, targets[:, 1:]) + ce(prev, targets[:, :-1])


class Net(nn.Module):
    """Training-time wrapper: word-id lookup (frozen unless tuned) -> Tagger -> CRF."""

    def __init__(self, table, tagger, crf, tune, head_crfs=None, lm_head=None):
        super().__init__()
        self.table = nn.Embedding.from_pretrained(torch.from_numpy(table), freeze=not tune)
        self.tagger, self.crf = tagger, crf
        self.head_crfs = nn.ModuleDict(head_crfs or {})
        self.lm_head = lm_head

    def crf_of(self, head):
        return self.crf if head is None else self.head_crfs[head]

    def emissions(self, batch, word_dropout=0.0, head=None):
        return self.emissions_and_lm_loss(batch, word_dropout, head)[0]

    def emissions_and_lm_loss(self, batch, word_dropout=0.0, head=None):
        """Emissions, and in training with an LM head the auxiliary language-modelling loss (else None)."""
        oov = self.table.num_embeddings - 1
        words = batch["words"].clamp(min=0).masked_fill(batch["words"] < 0, oov)
        if word_dropout and self.training:  # teach the char path to carry OOV words
            words = words.masked_fill(torch.rand(words.shape) < word_dropout, oov)
        vec = self.table(words)
        if self.table.weight.requires_grad:  # keep the OOV row zero: it is what TS feeds for OOV
            vec = vec * (words != oov).unsqueeze(2).float()
        if "context" in batch:
            vec = torch.cat([vec, batch["context"]], dim=2)
        states = self.tagger.encode(vec, batch["chars"], batch["lengths"])  # what Tagger.forward does, kept
        em = self.tagger.out(states) if head is None else self.tagger.heads[head](states)
        lm = self.lm_head.loss(states, batch["lm_targets"]) if self.lm_head is not None and self.training else None
        return em, lm


def predict(net, items, window, overlap, batch_size=64, head=None):
    """Tag sequences (tag ids) for encoded items, using the overlapping-window scheme TS uses."""
    net.eval()
    pieces = []  # (item index, start, end, keep_from, keep_to)
    for i, it in enumerate(items):
        pieces += [(i, *w) for w in inference_windows(len(it["words"]), window, overlap)]
    stitched = [None] * len(items)
    with torch.no_grad():
        order = sorted(range(len(pieces)), key=lambda p: pieces[p][2] - pieces[p][1])
        for a in range(0, len(order), batch_size):
            chunk = [pieces[p] for p in order[a:a + batch_size]]
            sub = [{k: (v[s:e] if k in ("words", "chars", "allowed", "context", "lm_targets") else v) for k, v in items[i].items()}
                   for i, s, e, _, _ in chunk]
            em = net.emissions(collate(sub), head=head)
            for j, (i, s, e, kf, kt) in enumerate(chunk):
                if stitched[i] is None:
                    stitched[i] = torch.zeros(len(items[i]["words"]), em.shape[2])
                stitched[i][kf:kt] = em[j, kf - s:kt - s]
        out = []
        for a in range(0, len(items), batch_size):
            ems = stitched[a:a + batch_size]
            lengths = [e.shape[0] for e in ems]
            padded = nn.utils.rnn.pad_sequence(ems, batch_first=True)
            out += net.crf_of(head).viterbi(padded, lengths)
    return out


def evaluate_items(net, items, tags, labels, window, overlap, head=None):
    pred = [[tags[i] for i in p] for p in predict(net, items, window, overlap, head=head)]
    gold = [it["sent"].tags for it in items]
    return chunk_scores(gold, pred, labels), token_report(gold, pred, labels), pred


def simulate_missing(sents, labels, spec, rng):
    """A controlled partial-label experiment on a fully annotated corpus: a seeded share of its documents loses
    one label's spans and becomes source `<source>~no-<LABEL>`, which does not annotate that label."""
    label, _, fraction = spec.partition("=")
    assert label in LABELS and fraction, f"--simulate-missing {spec}: expected LABEL=FRACTION with LABEL in {LABELS}"
    docs = sorted({(s.source, s.doc) for s in sents})
    hidden = set(rng.sample(docs, round(len(docs) * float(fraction))))
    out = []
    for s in sents:
        if (s.source, s.doc) in hidden:
            source = f"{s.source}~no-{label}"
            labels[source] = [l for l in labels[s.source] if l != label]
            s = type(s)(s.tokens, ["O" if t[2:] == label else t for t in s.tags], source, s.doc)
        out.append(s)
    print(f"simulate-missing: {len(hidden)} of {len(docs)} documents lose their {label} spans")
    return out


def auxiliary_sources(args):
    """{auxiliary source: the source whose documents it labels again}. They only train multi-task heads: never the
    main output, never selection."""
    auxiliary = conll.auxiliary_sources(args.conll_dir)
    assert not auxiliary.keys() & {*args.sources, args.dev_source}, \
        f"auxiliary sources ({', '.join(sorted(auxiliary))}) only train multi-task heads (--head)"
    return auxiliary


def load_heads(args, cfg, rng, auxiliary):
    """{name: {sources, labels, tags, train, dev, test}} for each --head NAME=SOURCE[,SOURCE]."""
    heads = {}
    for spec in args.head:
        name, _, srcs = spec.partition("=")
        sources = [s for s in srcs.split(",") if s]
        assert name and sources, f"--head {spec}: expected NAME=SOURCE[,SOURCE]"
        assert args.dev_source not in sources, "the dev source must never feed training"
        # An auxiliary source labels the dev source's documents again: its dev split is the selection set.
        assert not ("dev" in args.head_splits and any(auxiliary.get(s) == args.dev_source for s in sources)), \
            f"--head {spec}: the dev split of {args.dev_source}'s documents selects the model and cannot train a head"
        # --head-splits train dev: a final model's head learns from every labelled split but test, as its main task does.
        splits = {"train": [s for split in args.head_splits for s in load_split(args.conll_dir, sources, split)[0]],
                  **{split: load_split(args.conll_dir, sources, split)[0] for split in ("dev", "test")}}
        if cfg["train_limit"]:
            splits["train"] = rng.sample(splits["train"], min(cfg["train_limit"], len(splits["train"])))
            splits["dev"], splits["test"] = splits["dev"][:cfg["dev_limit"]], splits["test"][:cfg["dev_limit"]]
        labels = sorted({t[2:] for s in splits["train"] for t in s.tags if t != "O"})
        heads[name] = {"sources": sources, "labels": labels, "tags": head_tags(labels), **splits,
                       "train": split_windows_for_training(splits["train"], args.window)}
    return heads


def load_pretrained_encoder(args, lex):
    """tools.train.pretrain's checkpoint, checked against this run's vectors and encoder shape."""
    pre = torch.load(args.init_encoder)
    ref, own = pre["embeddings_meta"]["storageRef"], lex.meta["storageRef"]
    assert ref == own, f"{args.init_encoder} was pretrained on embeddings {ref}, this run uses {own}"
    want = dict(char_dim=args.char_dim, char_filters=args.char_filters, hidden=args.hidden, casing=not args.no_casing)
    got = {k: pre["config"][k] for k in want}
    assert got == want and pre["max_chars"] == args.max_chars, \
        f"{args.init_encoder} has encoder {got}, max_chars {pre['max_chars']}; this run wants {want}, {args.max_chars}"
    return pre


def labels_in_tags(sents):
    """{source: labels its tags use}: the label set of a corpus taken as complete in its own convention."""
    out = {}
    for s in sents:
        out.setdefault(s.source, set()).update(t[2:] for t in s.tags if t != "O")
    return {source: sorted(labels) for source, labels in out.items()}


class HeadSampler:
    """sample(name) -> `per_epoch` training items of that head, walking a reshuffled order so every sentence is
    seen before any repeats. `queues` is its whole state (saved for --resume)."""

    def __init__(self, head_items, per_epoch, rng):
        self.head_items, self.per_epoch, self.rng = head_items, per_epoch, rng
        self.queues = {name: [] for name in head_items}

    def sample(self, name):
        items, queue = self.head_items[name]["train"], self.queues[name]
        out = []
        while len(out) < min(self.per_epoch, len(items)):
            if not queue:
                queue += self.rng.sample(range(len(items)), len(items))
            out.append(items[queue.pop()])
        return out


def latest_epoch_checkpoint(run):
    """The newest epoch-NN.pt of a run directory, for --resume."""
    found = sorted(run.glob("epoch-*.pt"))
    if not found:
        raise SystemExit(f"--resume: {run} has no epoch-NN.pt checkpoint to resume from")
    return found[-1]


def resumable_args(args):
    """The arguments that must match between an interrupted run and its resumption (not the epoch budget)."""
    return {k: v for k, v in vars(args).items() if k not in ("resume", "epochs", "patience", "keep_epochs")}


def distillation_loss(student, teacher, mask, temperature):
    """Per-token cross-entropy of the student's emission softmax against the teacher's (Hinton et al. 2015), both at
    `temperature`, summed over tokens: the emissions are what an ensemble averages, and a softmax is blind to the
    per-token offset that a CRF's emissions are free to carry. Scaled by T^2 so its gradient keeps its size."""
    target = torch.softmax(teacher / temperature, dim=-1)
    ce = -(target * torch.log_softmax(student / temperature, dim=-1)).sum(-1)
    return (ce * mask).sum() * temperature ** 2


def add_teacher_emissions(items, teacher_dir, emb_dir, tags):
    """Each item's `teacher`: the emissions of an exported model (usually tools/train/ensemble.py's) for its tokens,
    with the vectors it ships (a model that tuned them) or else this run's."""
    from .infer_onnx import OnnxTagger
    own = Path(teacher_dir) / "embeddings"
    teacher = OnnxTagger(teacher_dir, emb_dir=own if own.exists() else emb_dir)
    assert teacher.tags == tags, f"--distill {teacher_dir} tags {teacher.tags}, this model's are {tags}"
    for item, em in zip(items, teacher.sentence_emissions([it["sent"].tokens for it in items])):
        item["teacher"] = em
    return hashlib.sha256((Path(teacher_dir) / "model.onnx").read_bytes()).hexdigest()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    prof = ap.add_mutually_exclusive_group()
    prof.add_argument("--smoke", action="store_true")
    prof.add_argument("--quick", action="store_true")
    ap.add_argument("--conll-dir", default=str(paths.CONLL_DIR))
    ap.add_argument("--sources", nargs="+", default=["aci-train"], help="manifest sources to train on")
    ap.add_argument("--dev-source", default="aci-dev",
                    help="source whose dev split selects the epoch and stops training early; 'none' trains exactly "
                         "--epochs epochs and keeps the last (e.g. after an earlier run chose the epoch count)")
    ap.add_argument("--train-splits", nargs="+", default=["train"], metavar="SPLIT",
                    help="splits of each source that feed training (e.g. train dev, the usual protocol for a final "
                         "BC5CDR model once a train-only run has chosen the epoch count)")
    ap.add_argument("--embeddings", default=None, help="default tools/out/embeddings (-smoke for --smoke)")
    ap.add_argument("--out", default=None, help="run directory (default tools/out/runs/<profile>)")
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--patience", type=int)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--average", type=float, metavar="DECAY",
                    help="evaluate, select and export an exponential moving average of the weights (per step, e.g. "
                         "0.999) instead of the last step's weights")
    ap.add_argument("--plateau-decay", type=float,
                    help="multiply the lr by this when the dev score has not improved for --plateau-patience epochs "
                         "(0: constant lr; default 0.5 for the full profile, 0 for --quick and --smoke)")
    ap.add_argument("--plateau-patience", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=150)
    ap.add_argument("--layers", type=int, default=1, help="stacked BiLSTM layers")
    ap.add_argument("--char-dim", type=int, default=30)
    ap.add_argument("--char-filters", type=int, default=50)
    ap.add_argument("--max-chars", type=int, default=20)
    ap.add_argument("--no-casing", action="store_true")
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--word-dropout", type=float, default=0.05)
    ap.add_argument("--window", type=int, default=128)
    ap.add_argument("--overlap", type=int, default=32)
    ap.add_argument("--complete", action="store_true",
                    help="the sources' tags are complete in their own convention (single-corpus models, e.g. "
                         "--sources ncbi-disease --dev-source ncbi-disease): no partial labels")
    ap.add_argument("--missing-as-o", action="store_true", help="ablation: unannotated labels count as O")
    ap.add_argument("--freeze-embeddings", action="store_true",
                    help="ablation: keep the pretrained vectors fixed (default fine-tunes them; +0.02-0.03 F1)")
    ap.add_argument("--head", action="append", default=[], metavar="NAME=SOURCE[,SOURCE]",
                    help="multi-task head: its own output layer + CRF trained on these sources' --head-splits, "
                         "their labels taken as complete in their own convention (e.g. ncbi=ncbi-disease)")
    ap.add_argument("--head-splits", nargs="+", default=["train"], metavar="SPLIT",
                    help="splits of each head's sources that train it (e.g. train dev for a final model)")
    ap.add_argument("--head-sample", type=int, default=3000,
                    help="sentences per head per epoch (cycling through a shuffled order)")
    ap.add_argument("--init-encoder", metavar="ENCODER_PT",
                    help="start the char CNN and both LSTMs (and take the char vocabulary) from tools.train.pretrain's "
                         "bidirectional language model instead of random weights")
    ap.add_argument("--random-init", action="store_true",
                    help="ablation: random word vectors over the same vocabulary instead of the trained ones")
    ap.add_argument("--simulate-missing", metavar="LABEL=FRACTION",
                    help="ablation: remove LABEL's spans from this fraction of training documents, which then count "
                         "as a source that does not annotate LABEL (e.g. TREATMENT=0.5)")
    ap.add_argument("--distill", metavar="TEACHER_DIR",
                    help="knowledge distillation: also match this exported model's emissions (an ensemble of "
                         "seeds, tools/train/ensemble.py) on every training sentence")
    ap.add_argument("--distill-weight", type=float, default=1.0, help="weight of the distillation loss")
    ap.add_argument("--distill-temperature", type=float, default=1.0)
    ap.add_argument("--distill-sources", nargs="*", default=[], metavar="SOURCE",
                    help="unlabelled training text for --distill: these sources' train sentences teach through the "
                         "teacher's emissions only (their tags, if any, are ignored)")
    ap.add_argument("--charlm", metavar="DIR",
                    help="contextual string embeddings from tools.train.charlm's fwd/ and bwd/ LMs in DIR, fed beside "
                         "the word vectors")
    ap.add_argument("--lm-weight", type=float, default=0.0, metavar="GAMMA",
                    help="weight of an auxiliary language-modelling loss on the encoder (Rei 2017; 0 = none)")
    ap.add_argument("--lm-vocab", type=int, default=7500, help="words the auxiliary LM predicts (the most frequent)")
    ap.add_argument("--test-source", metavar="SOURCE", help="also score the selected model on SOURCE's test split")
    add_seed_args(ap)
    ap.add_argument("--no-export", action="store_true")
    # Every epoch is checkpointed, but a 40-epoch run keeps 40 files of up to 40 MB: only the latest few are kept.
    ap.add_argument("--keep-epochs", type=int, default=1, metavar="N",
                    help="keep the last N epoch-NN.pt checkpoints (0: keep every one); best.pt is always kept")
    ap.add_argument("--resume", action="store_true",
                    help="continue the interrupted run in --out from its latest epoch-NN.pt, with the same arguments: "
                         "weights, optimiser, weight average, lr schedule, random state and head sampling carry over, "
                         "so it ends as the uninterrupted run would have")
    args = ap.parse_args(argv)
    profile = "smoke" if args.smoke else "quick" if args.quick else "full"
    cfg = dict(PROFILES[profile])
    for k in ("epochs", "patience", "plateau_decay"):
        if getattr(args, k) is not None:
            cfg[k] = getattr(args, k)
    emb_dir = args.embeddings or str(paths.OUT / "embeddings-smoke" if args.smoke and not
                                     paths.EMBEDDINGS_DIR.exists() else paths.EMBEDDINGS_DIR)
    run = Path(args.out or paths.RUNS_DIR / profile)
    run.mkdir(parents=True, exist_ok=True)
    # Training reads the --train-splits of each source (default `train`) and selection only the dev source's `dev`
    # split, so a corpus may supply both (e.g. a single-corpus NCBI-disease model selected on its dev split).
    assert "aci-dev" not in args.sources, "aci-dev must never feed training"
    selecting = args.dev_source != "none"
    if selecting:
        assert not ("dev" in args.train_splits and args.dev_source in args.sources), \
            f"{args.dev_source}'s dev split cannot both train and select: use --dev-source none with --epochs"
    else:
        assert args.epochs and not cfg["plateau_decay"], \
            "--dev-source none trains a fixed number of epochs: give --epochs and --plateau-decay 0"

    auxiliary = auxiliary_sources(args)

    rng = seeded(args)
    t_start = time.time()

    train_sents, labels = [], {}
    for split in args.train_splits:
        sents, split_labels = load_split(args.conll_dir, args.sources, split)
        train_sents, labels = train_sents + sents, {**labels, **split_labels}
    dev_sents, dev_labels = load_split(args.conll_dir, [args.dev_source], "dev") if selecting else ([], {})
    if args.complete:  # a single-corpus model in that corpus's own convention: its tags are the whole truth
        labels, dev_labels = labels_in_tags(train_sents), labels_in_tags(dev_sents)
    if cfg["train_limit"]:
        train_sents = rng.sample(train_sents, min(cfg["train_limit"], len(train_sents)))
    if cfg["dev_limit"]:
        dev_sents = dev_sents[:cfg["dev_limit"]]
    if args.simulate_missing:
        train_sents = simulate_missing(train_sents, labels, args.simulate_missing, random.Random(args.seed + 1))
    train_sents = split_windows_for_training(train_sents, args.window)
    heads = load_heads(args, cfg, rng, auxiliary)
    tags = tags_for(LABELS)
    lex = Lexicon(emb_dir)
    if args.random_init:  # ablation: same vocabulary, random vectors (scaled like the trained ones), tuned
        g = np.random.default_rng(args.seed)
        scale = float(lex.matrix[:-1].std())
        lex.matrix[:-1] = g.normal(0.0, scale, lex.matrix[:-1].shape).astype(np.float32)
    pre = load_pretrained_encoder(args, lex) if args.init_encoder else None
    char_vocab = pre["char_vocab"] if pre else chars.build_vocab(
        [s.tokens for s in train_sents] + [s.tokens for h in heads.values() for s in h["train"]])
    enc = Encoder(lex, char_vocab, tags, args.max_chars, labels, partial=not (args.missing_as_o or args.complete))
    train_items = [{**enc.encode(s), "head": None} for s in train_sents]
    distillation = None
    assert args.distill or not args.distill_sources, "--distill-sources teach through a teacher: give --distill"
    if args.distill:
        unlabelled = split_windows_for_training(load_split(args.conll_dir, args.distill_sources, "train")[0], args.window)
        for s in unlabelled:  # every path is allowed: no likelihood term, only the teacher's
            train_items.append({**enc.encode(s), "allowed": torch.ones(len(s.tokens), len(tags), dtype=torch.bool),
                                "head": None})
        sha = add_teacher_emissions(train_items, args.distill, emb_dir, tags)
        distillation = {"teacher": args.distill, "teacherSha256": sha, "weight": args.distill_weight,
                        "temperature": args.distill_temperature, "unlabelled": args.distill_sources,
                        "unlabelledSentences": len(unlabelled)}
        print(f"distillation from {args.distill}: {len(train_items) - len(unlabelled)} labelled + "
              f"{len(unlabelled)} unlabelled sentences", flush=True)
    dev_items = [enc.encode(s) for s in dev_sents]
    # A head's own corpus is complete in its own convention: its gold tags are the only allowed path.
    head_items = {}
    for name, h in heads.items():
        head_enc = Encoder(lex, char_vocab, h["tags"], args.max_chars, {}, partial=False)
        head_items[name] = {split: [{**head_enc.encode(s), "head": name} for s in h[split]]
                            for split in ("train", "dev", "test")}
    test_sents, test_labels = (load_split(args.conll_dir, [args.test_source], "test") if args.test_source
                               else ([], {}))
    if args.complete:
        test_labels = labels_in_tags(test_sents)
    test_items = [enc.encode(s) for s in test_sents]
    lm_words = None
    if args.lm_weight:  # every training sentence, the heads' too, teaches the auxiliary LM its neighbours' words
        every = train_items + [it for h in head_items.values() for it in h["train"]]
        counts = Counter(t.lower() for it in every for t in it["sent"].tokens)
        lm_words = {w: i for i, (w, _) in enumerate(sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:args.lm_vocab])}
        for it in every:
            it["lm_targets"] = torch.tensor([lm_words.get(t.lower(), len(lm_words)) for t in it["sent"].tokens])
    context_dim = 0
    if args.charlm:
        from .contextual import CharLMPair, add_features
        t0 = time.time()
        lms = CharLMPair(args.charlm)
        for items in [train_items, dev_items, test_items] + [v for h in head_items.values() for v in h.values()]:
            add_features(items, lms)
        context_dim = lms.dim
        print(f"contextual string embeddings from {args.charlm} ({context_dim}-d): {time.time() - t0:.0f}s", flush=True)
    for name, h in heads.items():
        print(f"head {name} ({','.join(h['sources'])}, labels {h['labels']}): "
              f"{len(h['train'])} train sentences, {args.head_sample} per epoch; dev {len(h['dev'])}, test {len(h['test'])}")
    print(f"[{profile}] train {args.sources}: {len(train_items)} sentences, "
          f"{sum(len(i['words']) for i in train_items)} tokens; dev {args.dev_source}: {len(dev_items)}; "
          f"embeddings {emb_dir} ({lex.matrix.shape[0] - 1}x{lex.matrix.shape[1]}); {len(char_vocab)} chars")

    config = dict(char_dim=args.char_dim, char_filters=args.char_filters, hidden=args.hidden,
                  dropout=args.dropout, casing=not args.no_casing,
                  heads={name: len(h["tags"]) for name, h in heads.items()},
                  **({"layers": args.layers} if args.layers > 1 else {}))  # one-layer configs stay as they were
    tagger = Tagger(char_vocab, len(tags), lex.matrix.shape[1] + context_dim, **config)
    if pre:  # the encoder's weights only: the output layers stay the tagger's own
        unexpected = tagger.load_state_dict(pre["encoder"], strict=False).unexpected_keys
        assert not unexpected, f"{args.init_encoder}: weights this tagger does not have: {unexpected}"
    if lm_words is not None:
        assert args.layers == 1, "--lm-weight reads each direction's states: one BiLSTM layer only"
    net = Net(lex.matrix, tagger, CRF(tags), tune=not args.freeze_embeddings,
              head_crfs={name: CRF(h["tags"]) for name, h in heads.items()},
              lm_head=LanguageModelHead(args.hidden, len(lm_words) + 1) if lm_words is not None else None)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=args.lr)
    # Halve the step size when aci-dev stops improving (0 = constant lr): late epochs then refine instead of
    # bouncing around the optimum.
    plateau = (torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=cfg["plateau_decay"],
                                                          patience=args.plateau_patience)
               if cfg["plateau_decay"] else None)
    meta = {"tags": tags, "char_vocab": char_vocab, "config": config, "max_chars": args.max_chars,
            "window": {"maxTokens": args.window, "overlap": args.overlap}, "embeddings_dir": str(emb_dir),
            "embeddings_meta": lex.meta, "sources": {s: labels[s] for s in args.sources if s in labels},
            "dev_source": args.dev_source, "profile": profile, "args": vars(args),
            "lr_schedule": {"lr": args.lr, "plateauDecay": cfg["plateau_decay"], "plateauPatience": args.plateau_patience},
            **({"auxiliary_lm": {"weight": args.lm_weight, "words": len(lm_words)}} if lm_words else {}),
            "weight_average": args.average, **({"charlm": {"dir": args.charlm, "dim": context_dim, "lms": lms.saved()}} if args.charlm else {}), **({"distillation": distillation} if distillation else {}),
            "heads": {name: {"sources": h["sources"], "splits": args.head_splits, "labels": h["labels"],
                             **({"tags": h["tags"]} if h["tags"] != tags else {})} for name, h in heads.items()},
            **({"encoder_pretraining": {"file": args.init_encoder, "history": pre["history"], "args": pre["args"]}}
               if pre else {})}
    head_sampler = HeadSampler(head_items, args.head_sample, rng)
    average = WeightAverage(net, args.average) if args.average else None

    best, best_epoch, history, first_epoch = -1.0, 0, [], 1
    if args.resume:
        path = latest_epoch_checkpoint(run)
        saved = torch.load(path, weights_only=False)
        if "resume" not in saved:
            raise SystemExit(f"--resume: {path} was written before train.py saved its training state")
        if resumable_args(argparse.Namespace(**saved["args"])) != resumable_args(args):
            raise SystemExit(f"--resume: {path} was trained with other arguments: {saved['args']}")
        state = saved["resume"]
        net.load_state_dict(state["weights"] if average else saved["state"])
        opt.load_state_dict(state["optimizer"])
        # zero_grad() leaves zero tensors, not None, so Adam keeps moving a weight with momentum on batches that do
        # not touch it (a head's on the main task's batches): give every weight that had a gradient its zero tensor.
        for group in opt.param_groups:
            for p in group["params"]:
                if p in opt.state:
                    p.grad = torch.zeros_like(p)
        if average:
            average.load_state_dict(state["average"])
        if plateau:
            plateau.load_state_dict(state["plateau"])
        rng.setstate(state["python_rng"])
        torch.set_rng_state(state["torch_rng"])
        head_sampler.queues = state["head_queues"]
        best, best_epoch, history = state["best"], state["best_epoch"], saved["history"]
        first_epoch = saved["epoch"] + 1
        if saved["epoch"] - best_epoch >= cfg["patience"]:  # it had stopped early: nothing left to train
            first_epoch = cfg["epochs"] + 1
        t_start -= state["elapsed"]
        print(f"resumed from {path} (epoch {saved['epoch']}, best epoch {best_epoch})", flush=True)

    for epoch in range(first_epoch, cfg["epochs"] + 1):
        net.train()
        t0, total, n = time.time(), 0.0, 0
        batches = bucketed_batches(train_items, args.batch_size, rng)
        if heads:  # one head per batch; heads' batches interleaved with the clinical ones
            for name in heads:
                batches += bucketed_batches(head_sampler.sample(name), args.batch_size, rng)
            rng.shuffle(batches)
        for batch_items in batches:
            head = batch_items[0]["head"]
            batch = collate(batch_items)
            em, lm_loss = net.emissions_and_lm_loss(batch, args.word_dropout, head)
            loss = net.crf_of(head).nll(em, batch["mask"], batch["allowed"]).sum() / len(batch_items)
            if lm_loss is not None:
                loss = loss + args.lm_weight * lm_loss / len(batch_items)
            if "teacher" in batch:
                loss = loss + args.distill_weight * distillation_loss(
                    em, batch["teacher"], batch["mask"], args.distill_temperature) / len(batch_items)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), args.clip)
            opt.step()
            if average:
                average.update()
            total += loss.item() * len(batch_items)
            n += len(batch_items)
        train_secs = time.time() - t0
        row = {"epoch": epoch, "loss": total / n, "trainSeconds": round(train_secs, 1)}
        # Everything the next epoch depends on, taken before the averaged weights are swapped in for evaluation.
        # The raw weights: only with --average do they differ from the checkpoint's `state`.
        state = {"weights": {k: v.clone() for k, v in net.state_dict().items()} if average else None,
                 "average": average.state_dict() if average else None,
                 "python_rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
                 "head_queues": {k: list(v) for k, v in head_sampler.queues.items()}}
        ch = f1 = None
        with average.applied() if average else nullcontext():  # --average: the averaged weights are scored and saved
            if selecting:
                t1 = time.time()
                ch, _, _ = evaluate_items(net, dev_items, tags, dev_labels[args.dev_source], args.window, args.overlap)
                f1 = ch["strict"]["micro"]["f1"]
                row.update({"devSeconds": round(time.time() - t1, 1), "devStrictMicroF1": round(f1, 4),
                            "devRelaxedMicroF1": round(ch["relaxed"]["micro"]["f1"], 4),
                            "devStrictF1": {l: round(ch["strict"][l]["f1"], 4) for l in dev_labels[args.dev_source]}})
            for name, h in heads.items():  # logged, never used for selection
                hch, _, _ = evaluate_items(net, head_items[name]["dev"], h["tags"], h["labels"], args.window, args.overlap, name)
                row.setdefault("headDevStrictMicroF1", {})[name] = round(hch["strict"]["micro"]["f1"], 4)
            if plateau:  # the lr of the next epoch, logged with this one
                plateau.step(f1)
                row["lr"] = opt.param_groups[0]["lr"]
            history.append(row)
            print(json.dumps(row), flush=True)
            ckpt = {"state": net.state_dict(), "epoch": epoch, "dev": ch, "history": history, **meta}
            if not selecting or f1 > best:  # without a dev source the last epoch is the model
                best, best_epoch = f1, epoch
                torch.save(ckpt, run / "best.pt")
            # The optimiser again: plateau.step may just have lowered its lr.
            state.update(optimizer=opt.state_dict(), plateau=plateau.state_dict() if plateau else None, best=best,
                         best_epoch=best_epoch, elapsed=time.time() - t_start)
            torch.save({**ckpt, "resume": state}, run / f"epoch-{epoch:02d}.pt")
            if args.keep_epochs and epoch > args.keep_epochs:
                (run / f"epoch-{epoch - args.keep_epochs:02d}.pt").unlink(missing_ok=True)
        if epoch - best_epoch >= cfg["patience"]:
            print(f"early stop: no dev gain for {cfg['patience']} epochs")
            break

    # Final report from the selected checkpoint.
    net.load_state_dict(torch.load(run / "best.pt")["state"])
    if selecting:
        ch, tok, _ = evaluate_items(net, dev_items, tags, dev_labels[args.dev_source], args.window, args.overlap)
        report = f"best epoch {best_epoch} (of {len(history)}), dev = {args.dev_source}\n\n{format_chunks(ch)}\n\n{format_tokens(tok)}"
    else:
        ch = tok = None
        report = f"last epoch {best_epoch} (fixed epoch count, no model selection)"
    head_scores = {}
    for name, h in heads.items():
        head_scores[name] = {}
        for split in ("dev", "test"):
            hch, _, _ = evaluate_items(net, head_items[name][split], h["tags"], h["labels"], args.window, args.overlap, name)
            head_scores[name][split] = hch
            report += f"\n\nhead {name}, {split} split of {','.join(h['sources'])}:\n{format_chunks(hch)}"
    test_scores = None
    if test_items:
        test_scores, _, _ = evaluate_items(net, test_items, tags, test_labels[args.test_source], args.window, args.overlap)
        report += f"\n\ntest split of {args.test_source}:\n{format_chunks(test_scores)}"
    print(report)
    (run / "report.txt").write_text(report + "\n")
    (run / "history.json").write_text(json.dumps({"history": history, "bestEpoch": best_epoch,
                                                  "dev": {"chunks": ch, "tokens": tok} if selecting else None,
                                                  "heads": head_scores,
                                                  **({"test": test_scores} if test_scores else {}),
                                                  "args": vars(args), "profile": profile,
                                                  "trainingSeconds": round(time.time() - t_start)}, indent=2))
    print(f"training time {time.time() - t_start:.0f}s ({sum(h['trainSeconds'] for h in history):.0f}s in epochs)")
    if not args.no_export:
        from .export import export_run
        export_run(run / "best.pt", run / "export")


if __name__ == "__main__":
    main()
