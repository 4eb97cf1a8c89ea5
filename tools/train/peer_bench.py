"""The PyTorch peer of Kindling's pipeline benchmark (tools/bench/pipeline.mjs, `npm run bench`).

Tags pre-tokenised sentences with the shipped model's weights in PyTorch, under torch.inference_mode(), with
the same batches as Kindling's MedicalNerModel (notes grouped as the bench feeds them, sentences cut into the
model's windows, grouped as `--batching` says, `--batch-size` per call) and reports the tagging rate.

  /usr/bin/python3 -m tools.train.peer_bench TOKENS.jsonl --whitespace-tokens N [--threads 1 2] [--out peer.json]

TOKENS.jsonl: one line per note, the note's sentences as lists of tokens (Kindling's SentenceDetector and
Tokenizer output, written by the bench). The trained checkpoint is not shipped, so the torch `Tagger` and CRF
are rebuilt from models/ner_clinical_open/model.onnx + manifest.json (`tagger_from_onnx`).

The thread count is the faster of `--threads` on a trial over the first `--trial-notes` notes; the full run then
uses it. Timed: word-vector gather from the embedding matrix, the network's emissions, stitching windows and
batched Viterbi decoding. Not timed: reading the file, word -> row and char-id encoding, batch planning (`prep_ms`).
"""
import argparse
import json
import math
import resource
import time
from itertools import islice
from pathlib import Path

import numpy as np
import torch

from . import chars, embeddings, paths
from .crf import CRF
from .data import inference_windows
from .model import Tagger

MODEL_DIR = paths.REPO / "models" / "ner_clinical_open"
EMBEDDINGS_DIR = paths.REPO / "models" / "embeddings_clinical_open"
# Defaults of MedicalNerModel's `batchSize` and of the pipeline's rows per batch (the bench passes both explicitly).
BATCH_SIZE = 32
BATCH_ROWS = 512


# --- weights -------------------------------------------------------------------------------------------------

def _onnx_gates_to_torch(w, hidden):
    """ONNX LSTM stacks gates i, o, f, c; torch stacks i, f, g(=c), o. w: [4H, ...] or [4H]."""
    i, o, f, c = (w[k * hidden:(k + 1) * hidden] for k in range(4))
    return np.concatenate([i, f, c, o])


def _lstm_inputs(graph, prefix):
    node = next(n for n in graph.node if n.op_type == "LSTM" and n.name.startswith(prefix))
    return node.input[1], node.input[2], node.input[3]


def tagger_from_onnx(model_dir=MODEL_DIR):
    """(Tagger in eval mode, CRF with the manifest's constrained scores, manifest) rebuilt from the exported files.

    The export (tools/train/export.py) keeps the torch parameter names for the char embedding, char CNN and output
    bias; the LSTMs and the output projection are anonymous: each LSTM's (W, R, B) are the inputs of the LSTM node
    of its scope (/fwd, /bwd), in ONNX gate order, and the output MatMul holds out.weight transposed. Heads
    (`emissions_<head>`) are not rebuilt: the peer runs the main output.
    """
    import onnx
    from onnx import numpy_helper

    d = Path(model_dir)
    manifest = json.loads((d / "manifest.json").read_text())
    graph = onnx.load(str(d / "model.onnx")).graph
    init = {i.name: numpy_helper.to_array(i).astype(np.float32) for i in graph.initializer}
    for name in list(init):  # fp16-weight exports store `x__fp16` and Cast it back to `x`
        if name.endswith("__fp16"):
            init[name[:-len("__fp16")]] = init.pop(name)
    for name in list(init):  # exports through ExportedTagger (multi-task heads) prefix the names with `tagger.`
        if name.startswith("tagger."):
            init[name[len("tagger."):]] = init.pop(name)

    vocab = {ch: i for ch, i in manifest["charVocab"].items() if i >= 2}
    config = manifest["training"]["config"]
    tags = manifest["tags"]
    tagger = Tagger(vocab, len(tags), manifest["embeddings"]["dimension"], **config).eval()
    hidden = config["hidden"]

    state = {
        "char_emb.weight": init["char_emb.weight"],
        "char_cnn.weight": init["char_cnn.weight"],
        "char_cnn.bias": init["char_cnn.bias"],
        "char_class": init["char_class"],
        "out.bias": init["out.bias"],
    }
    matmul = next(n for n in graph.node if n.op_type == "MatMul" and n.name.startswith("/out/"))
    state["out.weight"] = init[matmul.input[1]].T
    for scope in ("fwd", "bwd"):
        w, r, b = (init[name][0] for name in _lstm_inputs(graph, f"/{scope}/"))
        state[f"{scope}.weight_ih_l0"] = _onnx_gates_to_torch(w, hidden)
        state[f"{scope}.weight_hh_l0"] = _onnx_gates_to_torch(r, hidden)
        state[f"{scope}.bias_ih_l0"] = _onnx_gates_to_torch(b[:4 * hidden], hidden)
        state[f"{scope}.bias_hh_l0"] = _onnx_gates_to_torch(b[4 * hidden:], hidden)
    missing = set(tagger.state_dict()) - set(state)
    if missing:
        raise ValueError(f"{d / 'model.onnx'}: no initializer for torch parameters {sorted(missing)}")
    tagger.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})

    crf = CRF(tags).eval()
    crf.transitions.data = torch.tensor(manifest["transitions"], dtype=torch.float32)
    crf.start.data = torch.tensor(manifest["startTransitions"], dtype=torch.float32)
    crf.end.data = torch.tensor(manifest["endTransitions"], dtype=torch.float32)
    return tagger, crf, manifest


# --- decoding ------------------------------------------------------------------------------------------------

def viterbi_batched(emissions, lengths, trans, start, end):
    """Best paths [B, T] (positions past each length are filler), with the backtrack vectorised over the batch.

    Same recursion as crf.viterbi_decode (the reference the TS decoder matches), whose per-token Python backtrack
    would dominate the peer's time.
    """
    b, t_max, _ = emissions.shape
    score = start + emissions[:, 0]
    back = []
    for t in range(1, t_max):
        best, arg = (score.unsqueeze(2) + trans).max(dim=1)
        score = torch.where((t < lengths).unsqueeze(1), best + emissions[:, t], score)
        back.append(arg)
    cur = (score + end).argmax(dim=1)
    path = torch.empty(b, t_max, dtype=torch.long)
    path[:, t_max - 1] = cur
    for t in range(t_max - 1, 0, -1):
        prev = back[t - 1].gather(1, cur.unsqueeze(1)).squeeze(1)
        cur = torch.where(t < lengths, prev, cur)
        path[:, t - 1] = cur
    return path


# --- input ---------------------------------------------------------------------------------------------------

class Vocabulary:
    """Word -> embedding row as WordEmbeddingsModel looks it up: exact, then lower, Capitalised, UPPER case."""

    def __init__(self, emb_dir=EMBEDDINGS_DIR):
        meta, words, self.matrix = embeddings.read(emb_dir)
        self.case_sensitive = meta["caseSensitive"]
        self.index = {w: i for i, w in enumerate(words)}
        self.oov = len(words)  # one zero row appended for unknown words
        self.table = torch.from_numpy(np.vstack([self.matrix, np.zeros((1, self.matrix.shape[1]), np.float32)]))

    def row(self, token):
        """Row of a token as the model sees it (the bench writes conllSafeToken's form); `oov` if unknown."""
        found = self.index.get(token)
        if found is not None or self.case_sensitive:
            return self.oov if found is None else found
        lower = token.lower()
        for candidate in (lower, lower[:1].upper() + lower[1:], token.upper()):
            found = self.index.get(candidate)
            if found is not None:
                return found
        return self.oov


def read_notes(path):
    """One note (a list of sentences, each a list of tokens) per non-blank line, lazily."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


class Plan:
    """One group of notes (one record batch on the Kindling side): its sentences' lengths, its network batches as
    MedicalNerModel forms them (see `network_batches`), and its decoding batches."""

    def __init__(self, notes, vocab, char_vocab, max_chars, window, batch_size, batching):
        self.notes = len(notes)
        sentences = [s for note in notes for s in note if s]
        self.lengths = [len(s) for s in sentences]
        segments = [(i, *w) for i, n in enumerate(self.lengths)
                    for w in inference_windows(n, window["maxTokens"], window["overlap"])]
        widths = [max(1, max(min(utf16_length(t), max_chars) for t in s)) for s in sentences]
        self.batches = [_encode(sentences, batch, vocab, char_vocab, max_chars)
                        for batch in network_batches(segments, widths, batch_size, max_chars, batching)]
        self.decode_batches = _length_batches(self.lengths, batch_size)


def utf16_length(token):
    return len(token.encode("utf-16-le", "surrogatepass")) // 2


BATCHING = ("length", "width")
WIDTH_CLASS_EDGES = (0.4, 0.6, 0.8)


def network_batches(segments, widths, batch_size, max_chars, batching):
    """Segments (sentence, start, end, keep_from, keep_to) grouped into network calls of at most `batch_size`.

    "length": sorted by length, longest first, cut every `batch_size` (MedicalNerModel before planBatches).
    "width": packages/medical-ner/src/batches.ts planBatches: first by the width class of the sentence's widest
    token (UTF-16 length, at most max_chars; classes at 40/60/80% of max_chars), widest class first, then by
    length; a batch never mixes classes. Both sorts are stable, like Array.prototype.sort.
    """
    if batching not in BATCHING:
        raise ValueError(f"batching must be one of {BATCHING}, got {batching!r}")
    if batching == "length":
        ordered = sorted(segments, key=lambda s: -(s[2] - s[1]))
        return [ordered[a:a + batch_size] for a in range(0, len(ordered), batch_size)]
    edges = [math.ceil(f * max_chars) for f in WIDTH_CLASS_EDGES]
    width_class = lambda seg: sum(widths[seg[0]] > e for e in edges)
    ordered = sorted(segments, key=lambda s: (-width_class(s), -(s[2] - s[1])))
    batches, batch, batch_class = [], [], None
    for seg in ordered:
        cls = width_class(seg)
        if len(batch) == batch_size or (batch and cls != batch_class):
            batches.append(batch)
            batch = []
        batch.append(seg)
        batch_class = cls
    if batch:
        batches.append(batch)
    return batches


def _encode(sentences, segments, vocab, char_vocab, max_chars):
    """Row ids [B,T], char ids [B,T,C] (uint8: the vocab has < 256 chars), lengths [B], and where each row goes."""
    ids = [[chars.encode(t, char_vocab, max_chars) for t in sentences[i][s:e]] for i, s, e, _, _ in segments]
    t = max(e - s for _, s, e, _, _ in segments)
    c = max(1, max(len(x) for seg in ids for x in seg))
    rows = torch.zeros((len(segments), t), dtype=torch.long)
    char_ids = np.zeros((len(segments), t, c), np.uint8)
    for b, (i, s, e, _, _) in enumerate(segments):
        rows[b, :e - s] = torch.tensor([vocab.row(tok) for tok in sentences[i][s:e]], dtype=torch.long)
        for j, x in enumerate(ids[b]):
            char_ids[b, j, :len(x)] = x
    lengths = torch.tensor([e - s for _, s, e, _, _ in segments], dtype=torch.long)
    return rows, torch.from_numpy(char_ids), lengths, segments


def _length_batches(lengths, batch_size):
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[a:a + batch_size] for a in range(0, len(order), batch_size)]


def plan_groups(notes, vocab, manifest, batch_rows=BATCH_ROWS, batch_size=BATCH_SIZE, batching="width"):
    """Plans of `batch_rows` notes each, as the bench's record batches deliver them; `notes` may be a generator."""
    char_vocab = {ch: i for ch, i in manifest["charVocab"].items() if i >= 2}
    args = (vocab, char_vocab, manifest["maxCharsPerToken"], manifest["window"], batch_size, batching)
    plans, group = [], []
    for note in notes:
        group.append(note)
        if len(group) == batch_rows:
            plans.append(Plan(group, *args))
            group = []
    if group:
        plans.append(Plan(group, *args))
    return plans


# --- tagging -------------------------------------------------------------------------------------------------

def tag_group(plan, tagger, crf_scores, table):
    """Tag ids of every sentence of one group, in order."""
    trans, start, end = crf_scores
    k = trans.shape[0]
    emissions = [torch.empty(n, k) for n in plan.lengths]
    for rows, ids, lengths, segments in plan.batches:
        em = tagger(table[rows], ids.long(), lengths)
        for b, (i, s, _, keep_from, keep_to) in enumerate(segments):
            emissions[i][keep_from:keep_to] = em[b, keep_from - s:keep_to - s]
    tags = [None] * len(plan.lengths)
    for order in plan.decode_batches:
        n = torch.tensor([plan.lengths[i] for i in order])
        padded = torch.zeros(len(order), int(n.max()), k)
        for b, i in enumerate(order):
            padded[b, :plan.lengths[i]] = emissions[i]
        paths = viterbi_batched(padded, n, trans, start, end)
        for b, i in enumerate(order):
            tags[i] = paths[b, :plan.lengths[i]]
    return tags


def tag_all(plans, tagger, crf, table):
    with torch.inference_mode():
        scores = tuple(x.detach() for x in crf.scores())
        return [tag_group(p, tagger, scores, table) for p in plans]


def count_chunks(tag_lists, tags):
    """Entity chunks as NerConverter builds them from BIO: a B-X, or an I-X not continuing an X chunk."""
    n = 0
    for seq in tag_lists:
        prev = "O"
        for k in seq.tolist():
            tag = tags[k]
            if tag.startswith("B-") or (tag.startswith("I-") and prev[2:] != tag[2:]):
                n += 1
            prev = tag
    return n


def _timed_ms(plans, tagger, crf, table):
    start = time.perf_counter()
    tags = tag_all(plans, tagger, crf, table)
    return (time.perf_counter() - start) * 1000, tags


def bench(tokens_path, whitespace_tokens, threads=(1, 2), trial_notes=128, batch_rows=BATCH_ROWS,
          batch_size=BATCH_SIZE, batching="width", model_dir=MODEL_DIR, emb_dir=EMBEDDINGS_DIR):
    """Chooses the faster thread count on the first `trial_notes` notes, then times every note with it."""
    t0 = time.perf_counter()
    tagger, crf, manifest = tagger_from_onnx(model_dir)
    vocab = Vocabulary(emb_dir)
    load_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    plans = plan_groups(read_notes(tokens_path), vocab, manifest, batch_rows, batch_size, batching)
    prep_ms = (time.perf_counter() - t0) * 1000
    first = lambda n: plan_groups(islice(read_notes(tokens_path), n), vocab, manifest, batch_rows, batch_size, batching)
    trial, warm_up = first(trial_notes), first(8)
    trial_ms = {}
    for n in threads:
        torch.set_num_threads(n)
        tag_all(warm_up, tagger, crf, vocab.table)  # first-call allocations and kernel selection
        if len(threads) > 1:
            trial_ms[n] = _timed_ms(trial, tagger, crf, vocab.table)[0]
    fastest = min(trial_ms, key=trial_ms.get) if trial_ms else threads[0]
    torch.set_num_threads(fastest)
    ms, tags = _timed_ms(plans, tagger, crf, vocab.table)
    trial_tokens = sum(sum(p.lengths) for p in trial)
    return {
        "tokens_per_s": whitespace_tokens / ms * 1000,
        "ms": ms,
        "threads": fastest,
        "trial_notes": sum(p.notes for p in trial),
        "trial_model_tokens_per_s_by_threads": {str(k): trial_tokens / v * 1000 for k, v in trial_ms.items()},
        "notes": sum(p.notes for p in plans),
        "sentences": sum(len(p.lengths) for p in plans),
        "model_tokens": sum(sum(p.lengths) for p in plans),
        "model_tokens_per_s": sum(sum(p.lengths) for p in plans) / ms * 1000,
        "whitespace_tokens": whitespace_tokens,
        "chunks": count_chunks((t for group in tags for t in group), manifest["tags"]),
        "batch_size": batch_size,
        "batching": batching,
        "batch_rows": batch_rows,
        "network_batches": sum(len(p.batches) for p in plans),
        "load_ms": load_ms,
        "prep_ms": prep_ms,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__,
        "timed": "word-vector gather, emissions, window stitching, batched Viterbi",
        "not_timed": "reading the file, word -> row and char-id encoding, batch planning (prep_ms)",
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tokens", help="JSONL: one note per line, a list of sentences, each a list of tokens")
    ap.add_argument("--whitespace-tokens", type=int, required=True,
                    help="whitespace-separated tokens of the input notes: the denominator of every rate")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--trial-notes", type=int, default=128,
                    help="notes each thread count is timed on before the full run uses the faster one")
    ap.add_argument("--batch-rows", type=int, default=BATCH_ROWS, help="notes per group (the bench's record batch)")
    ap.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="segments per network call")
    ap.add_argument("--batching", choices=BATCHING, default="width", help="how segments are grouped (network_batches)")
    ap.add_argument("--model", default=str(MODEL_DIR))
    ap.add_argument("--embeddings", default=str(EMBEDDINGS_DIR))
    ap.add_argument("--out", help="write the result JSON here (default: stdout)")
    args = ap.parse_args(argv)
    torch.set_num_interop_threads(1)  # once per process, before any parallel work; the peer is intra-op only
    result = bench(args.tokens, args.whitespace_tokens, args.threads, args.trial_notes, args.batch_rows,
                   args.batch_size, args.batching, args.model, args.embeddings)
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
