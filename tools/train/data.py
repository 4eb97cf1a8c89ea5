"""Encoding sentences into tensors, length-bucketed batches, and windowing of long sentences."""
import random

import numpy as np
import torch

from . import chars, embeddings
from .crf import allowed_tags


class Lexicon:
    """Word -> row of the pretrained matrix; OOV -> the extra last row, which is all zeros."""

    def __init__(self, emb_dir):
        self.meta, words, mat = embeddings.read(emb_dir)
        self.case_sensitive = self.meta["caseSensitive"]
        self.index = {w: i for i, w in enumerate(words)}
        self.matrix = np.vstack([mat, np.zeros((1, mat.shape[1]), np.float32)])
        self.oov = len(words)

    def ids(self, tokens):
        return [self.index.get(embeddings.lookup_key(t, self.case_sensitive), self.oov) for t in tokens]


def split_windows_for_training(sents, window):
    """Cut sentences longer than `window` into consecutive pieces; a piece never starts with I-X."""
    out = []
    for s in sents:
        if len(s.tokens) <= window:
            out.append(s)
            continue
        for a in range(0, len(s.tokens), window):
            tags = list(s.tags[a:a + window])
            if tags[0].startswith("I-"):
                tags[0] = "B-" + tags[0][2:]
            out.append(type(s)(s.tokens[a:a + window], tags, s.source, s.doc))
    return out


def inference_windows(n, window, overlap):
    """[(start, end, keep_from, keep_to)]: windows of <= `window` tokens overlapping by `overlap`; each
    token's emissions come from exactly one window, switching at the middle of each overlap."""
    if n <= window:
        return [(0, n, 0, n)]
    stride = window - overlap
    starts = list(range(0, n - window, stride)) + [n - window]
    out = []
    for i, s in enumerate(starts):
        keep_from = 0 if i == 0 else (s + starts[i - 1] + window) // 2
        keep_to = n if i == len(starts) - 1 else (starts[i + 1] + s + window) // 2
        out.append((s, s + window, keep_from, keep_to))
    return out


class Encoder:
    def __init__(self, lexicon, char_vocab, tags, max_chars, labels_by_source, partial=True):
        self.lex, self.char_vocab, self.tags = lexicon, char_vocab, tags
        self.max_chars, self.labels, self.partial = max_chars, labels_by_source, partial
        self.tag_index = {t: i for i, t in enumerate(tags)}

    def encode(self, s):
        return {
            "words": self.lex.ids(s.tokens),
            "chars": [chars.encode(t, self.char_vocab, self.max_chars) for t in s.tokens],
            "allowed": allowed_tags(self.tags, s.tags, self.labels.get(s.source, []), self.partial),
            "sent": s,
        }


def collate(items):
    b = len(items)
    t = max(len(it["words"]) for it in items)
    c = max(len(ch) for it in items for ch in it["chars"])
    words = torch.full((b, t), -1, dtype=torch.long)  # -1 = padding; mapped to the OOV row by the caller
    char_ids = torch.zeros((b, t, c), dtype=torch.long)
    lengths = torch.tensor([len(it["words"]) for it in items])
    k = items[0]["allowed"].shape[1]
    allowed = torch.ones((b, t, k), dtype=torch.bool)
    for i, it in enumerate(items):
        n = len(it["words"])
        words[i, :n] = torch.tensor(it["words"])
        for j, ch in enumerate(it["chars"]):
            char_ids[i, j, :len(ch)] = torch.tensor(ch)
        allowed[i, :n] = it["allowed"]
    mask = torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1)
    out = {"words": words, "chars": char_ids, "lengths": lengths, "mask": mask, "allowed": allowed,
           "sents": [it["sent"] for it in items]}
    if "lm_targets" in items[0]:  # train.py --lm-weight: each token's word id for the auxiliary LM; -100 pads
        targets = torch.full((b, t), -100, dtype=torch.long)
        for i, it in enumerate(items):
            targets[i, :len(it["words"])] = it["lm_targets"]
        out["lm_targets"] = targets
    if "context" in items[0]:  # train.py --charlm: contextual string embeddings beside the word vectors
        context = torch.zeros((b, t, items[0]["context"].shape[1]))
        for i, it in enumerate(items):
            context[i, :len(it["words"])] = it["context"]
        out["context"] = context
    if "teacher" in items[0]:  # train.py --distill: the teacher's emissions for the same tokens
        teacher = torch.zeros((b, t, k))
        for i, it in enumerate(items):
            teacher[i, :len(it["words"])] = torch.from_numpy(it["teacher"])
        out["teacher"] = teacher
    return out


def bucketed_batches(items, batch_size, rng: random.Random, shuffle=True):
    """Batches of similar length: sort by (length + jitter), slice, shuffle batch order."""
    if shuffle:
        order = sorted(range(len(items)), key=lambda i: len(items[i]["words"]) + rng.random() * 2)
    else:
        order = sorted(range(len(items)), key=lambda i: len(items[i]["words"]))
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle:
        rng.shuffle(batches)
    return [[items[i] for i in b] for b in batches]
