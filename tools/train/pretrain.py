"""Pretrain the tagger's encoder as a bidirectional language model on the permissive text (Sachan et al. 2018,
"Effective use of bidirectional language modeling for transfer learning in biomedical NER").

The forward LSTM learns to predict the next word and the backward LSTM the previous one, over exactly the
features the tagger sees (word vectors, char CNN, casing). `train.py --init-encoder DIR/encoder.pt` then starts
its char embeddings, char CNN and both LSTMs from these weights instead of random ones; the exported graph is
the same, so nothing changes for the TypeScript runtime.

  /usr/bin/python3 -m tools.train.pretrain                       # tools/out/text/tokens.txt.gz -> tools/out/pretrain
  /usr/bin/python3 -m tools.train.pretrain --max-tokens 200000 --out /tmp/lm   # a quick look

Input: the tokenised text of the word vectors (Kindling's tokenizer, one sentence per line; never MTSamples,
never aci-dev). Checkpoints after every epoch (`encoder-NN.pt`; `encoder.pt` is the latest).
"""
import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path

import torch
from torch import nn

from . import chars, embeddings, paths
from .data import Lexicon, bucketed_batches
from .model import Tagger
from .seeding import add_seed_args, seeded
from .vectors import KINDLING_TOKENS, Sentences

# The parts of Tagger that pretraining teaches (the output layers are the tagger's own).
ENCODER_PREFIXES = ("char_emb.", "char_cnn.", "fwd.", "bwd.")


def read_sentences(path, max_len, max_tokens=None):
    """Token lists from the vectors' one-sentence-per-line file; lines longer than max_len are cut into pieces."""
    out, n = [], 0
    for toks in Sentences(path, lowercase=False):
        for a in range(0, len(toks), max_len):
            piece = toks[a:a + max_len]
            if len(piece) >= 3:
                out.append(piece)
                n += len(piece)
        if max_tokens and n >= max_tokens:
            break
    return out


class BiLM(nn.Module):
    """Tagger encoder + one adaptive softmax per direction over the most frequent words."""

    def __init__(self, tagger, n_words, hidden, cutoffs):
        super().__init__()
        self.tagger = tagger
        self.next_word = nn.AdaptiveLogSoftmaxWithLoss(hidden, n_words, cutoffs, div_value=4.0)
        self.prev_word = nn.AdaptiveLogSoftmaxWithLoss(hidden, n_words, cutoffs, div_value=4.0)

    def forward(self, vectors, char_ids, lengths, targets):
        """Mean negative log-likelihood per predicted word (both directions)."""
        h_f, h_b = self.tagger.encode(vectors, char_ids, lengths).chunk(2, dim=2)  # [forward | backward] states
        real = torch.arange(targets.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        # position i predicts word i+1 (forward) and word i-1 (backward)
        nxt = real[:, 1:]
        loss_f = self.next_word(h_f[:, :-1][nxt], targets[:, 1:][nxt]).loss
        loss_b = self.prev_word(h_b[:, 1:][nxt], targets[:, :-1][nxt]).loss
        return (loss_f + loss_b) / 2, int(nxt.sum())


def batches(sents, batch_size, rng):
    """Length-bucketed batches of sentence indices, as the tagger's training batches them."""
    items = [{"words": s, "index": i} for i, s in enumerate(sents)]
    return [[it["index"] for it in b] for b in bucketed_batches(items, batch_size, rng)]


def tensors(sents, lex, char_vocab, word_index, max_chars):
    b, t = len(sents), max(len(s) for s in sents)
    ids = torch.full((b, t), lex.oov, dtype=torch.long)
    targets = torch.zeros((b, t), dtype=torch.long)
    encoded = [[chars.encode(tok, char_vocab, max_chars) for tok in s] for s in sents]
    c = max(len(x) for s in encoded for x in s)
    char_ids = torch.zeros((b, t, c), dtype=torch.long)
    for i, s in enumerate(sents):
        ids[i, :len(s)] = torch.tensor(lex.ids(s))
        targets[i, :len(s)] = torch.tensor([word_index.get(embeddings.lookup_key(w, lex.case_sensitive), 0) for w in s])
        for j, x in enumerate(encoded[i]):
            char_ids[i, j, :len(x)] = torch.tensor(x)
    return ids, char_ids, torch.tensor([len(s) for s in sents]), targets


def evaluate(model, table, sents, args, lex, char_vocab, word_index):
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for a in range(0, len(sents), args.batch_size):
            ids, ch, lengths, targets = tensors(sents[a:a + args.batch_size], lex, char_vocab, word_index, args.max_chars)
            loss, k = model(table(ids), ch, lengths, targets)
            total, n = total + loss.item() * k, n + k
    model.train()
    return math.exp(total / n)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", default=str(KINDLING_TOKENS))
    ap.add_argument("--embeddings", default=str(paths.EMBEDDINGS_DIR))
    ap.add_argument("--out", default=str(paths.OUT / "pretrain"))
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--max-tokens", type=int, help="read only this many tokens of text")
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--vocab", type=int, default=20000, help="words the LM predicts (the rest share one class)")
    ap.add_argument("--hidden", type=int, default=150)
    ap.add_argument("--char-dim", type=int, default=30)
    ap.add_argument("--char-filters", type=int, default=50)
    ap.add_argument("--max-chars", type=int, default=20)
    ap.add_argument("--dropout", type=float, default=0.2)
    add_seed_args(ap)
    args = ap.parse_args(argv)
    rng = seeded(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.time()

    sents = read_sentences(args.tokens, args.max_len, args.max_tokens)
    rng.shuffle(sents)
    n_held = min(2000, len(sents) // 10)  # held-out sentences for perplexity
    held_out, sents = sents[:n_held], sents[n_held:]
    lex = Lexicon(args.embeddings)
    counts = Counter(embeddings.lookup_key(w, lex.case_sensitive) for s in sents for w in s)
    # class 0 = every word outside the predicted vocabulary
    word_index = {w: i + 1 for i, (w, _) in enumerate(counts.most_common(args.vocab))}
    char_vocab = chars.build_vocab(sents, min_count=5)
    n_tokens = sum(len(s) for s in sents)
    print(f"pretrain: {len(sents)} sentences, {n_tokens} tokens ({args.tokens}); {len(word_index)} predicted words, "
          f"{len(char_vocab)} chars; embeddings {args.embeddings}", flush=True)

    config = dict(char_dim=args.char_dim, char_filters=args.char_filters, hidden=args.hidden, casing=True)
    tagger = Tagger(char_vocab, 1, lex.matrix.shape[1], dropout=args.dropout, **config)
    n_classes = len(word_index) + 1
    # frequent words get the full hidden size, rarer ones cheaper projections (a tiny vocabulary: two clusters)
    cutoffs = [c for c in (2000, 8000) if c < n_classes - 1] or [n_classes // 2]
    model = BiLM(tagger, n_classes, args.hidden, cutoffs)
    table = nn.Embedding.from_pretrained(torch.from_numpy(lex.matrix), freeze=True)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = []
    for epoch in range(1, args.epochs + 1):
        t0, total, n = time.time(), 0.0, 0
        for step, idx in enumerate(batches(sents, args.batch_size, rng), 1):
            ids, ch, lengths, targets = tensors([sents[i] for i in idx], lex, char_vocab, word_index, args.max_chars)
            loss, k = model(table(ids), ch, lengths, targets)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            total, n = total + loss.item() * k, n + k
            if step % 500 == 0:
                print(f"epoch {epoch} step {step}: train ppl {math.exp(total / n):.1f}, "
                      f"{n / (time.time() - t0):.0f} words/s", flush=True)
        row = {"epoch": epoch, "trainPerplexity": round(math.exp(total / n), 2),
               "heldOutPerplexity": round(evaluate(model, table, held_out, args, lex, char_vocab, word_index), 2),
               "seconds": round(time.time() - t0)}
        history.append(row)
        print(json.dumps(row), flush=True)
        encoder = {k: v for k, v in tagger.state_dict().items() if k.startswith(ENCODER_PREFIXES)}
        ckpt = {"encoder": encoder, "char_vocab": char_vocab, "config": config, "max_chars": args.max_chars,
                "embeddings_meta": lex.meta, "history": history, "args": vars(args),
                "seconds": round(time.time() - t_start)}
        torch.save(ckpt, out / f"encoder-{epoch:02d}.pt")
        torch.save(ckpt, out / "encoder.pt")  # the latest epoch
    print(f"pretraining time {time.time() - t_start:.0f}s -> {out / 'encoder.pt'}")


if __name__ == "__main__":
    main()
