"""The benchmark's PyTorch peer runs the shipped weights: rebuilt from model.onnx, its emissions equal ONNX Runtime's
on real clinical sentences, and its batched tagging gives the reference tags (tools/train/infer_onnx.py)."""
import csv
import gzip
import io
import json
from itertools import islice

import numpy as np
import pytest
import torch

from tools.train import paths
from tools.train.crf import viterbi_decode
from tools.train.peer_bench import (EMBEDDINGS_DIR, MODEL_DIR, Vocabulary, bench, count_chunks, network_batches,
                                    plan_groups, tag_all, tagger_from_onnx, viterbi_batched)
from tools.train.standin_tokenize import tokenize_document

ort = pytest.importorskip("onnxruntime")

MTSAMPLES = paths.SHARED / "data" / "text" / "mtsamples" / "mtsamples.csv.gz"


def mtsamples_notes(n):
    with gzip.open(MTSAMPLES, "rt", encoding="utf-8", newline="") as f:
        texts = (r["transcription"] for r in csv.DictReader(f))
        return list(islice((t for t in texts if t and t.strip()), n))


@pytest.fixture(scope="module")
def notes():
    """Real notes as sentences of tokens, plus one 300-token sentence so that windows (128, overlap 32) are used."""
    docs = [[[tok for tok, _, _ in s] for s in tokenize_document(t)] for t in mtsamples_notes(30)]
    flat = [tok for d in docs for s in d for tok in s]
    return docs + [[flat[:300], flat[300:305]]]


@pytest.fixture(scope="module")
def rebuilt():
    return tagger_from_onnx(MODEL_DIR)


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary(EMBEDDINGS_DIR)


@pytest.fixture(scope="module")
def reference():
    from tools.train.infer_onnx import OnnxTagger
    return OnnxTagger(MODEL_DIR, emb_dir=EMBEDDINGS_DIR)


def test_rebuilt_emissions_equal_onnxruntime(notes, rebuilt, vocab):
    tagger, _, manifest = rebuilt
    sess = ort.InferenceSession(str(MODEL_DIR / "model.onnx"), providers=["CPUExecutionProvider"])
    plans = plan_groups(notes[:12], vocab, manifest, batch_rows=6, batch_size=16)
    checked = 0
    worst = 0.0
    for plan in plans:
        for rows, ids, lengths, _ in plan.batches:
            wv = vocab.table[rows]
            with torch.inference_mode():
                got = tagger(wv, ids.long(), lengths).numpy()
            want = sess.run(["emissions"], {"word_vectors": wv.numpy(), "char_ids": ids.long().numpy(),
                                            "lengths": lengths.numpy()})[0]
            for b, n in enumerate(lengths.tolist()):
                worst = max(worst, float(np.abs(got[b, :n] - want[b, :n]).max()))
                checked += n
    assert checked > 2000
    assert worst < 1e-4


def test_crf_scores_are_the_manifests(rebuilt):
    _, crf, manifest = rebuilt
    trans, start, end = crf.scores()
    assert trans.tolist() == np.float32(manifest["transitions"]).tolist()
    assert start.tolist() == np.float32(manifest["startTransitions"]).tolist()
    assert end.tolist() == np.float32(manifest["endTransitions"]).tolist()


def test_onnx_gate_order_matters(rebuilt):
    """Loading the ONNX LSTM weights without reordering iofc -> ifgo must change the output (the mapping is real)."""
    tagger, _, _ = rebuilt
    w = tagger.fwd.weight_ih_l0.detach()
    h = tagger.fwd.hidden_size
    assert not torch.equal(w[h:2 * h], w[3 * h:4 * h])


def test_viterbi_batched_matches_reference_decoder(rebuilt):
    _, crf, _ = rebuilt
    trans, start, end = (x.detach() for x in crf.scores())
    g = torch.Generator().manual_seed(3)
    lengths = torch.tensor([1, 7, 2, 30, 30, 13])
    em = torch.randn(len(lengths), 30, trans.shape[0], generator=g) * 3
    got = viterbi_batched(em, lengths, trans, start, end)
    want = viterbi_decode(em, lengths, trans, start, end)
    for b, n in enumerate(lengths.tolist()):
        assert got[b, :n].tolist() == want[b]


@pytest.mark.parametrize("batching", ["width", "length"])
def test_peer_tags_equal_the_onnx_reference(notes, rebuilt, vocab, reference, batching):
    tagger, crf, manifest = rebuilt
    plans = plan_groups(notes, vocab, manifest, batch_rows=8, batch_size=32, batching=batching)
    got = [[manifest["tags"][k] for k in t.tolist()] for group in tag_all(plans, tagger, crf, vocab.table) for t in group]
    sentences = [s for note in notes for s in note if s]
    assert max(len(s) for s in sentences) == 300
    assert got == reference.tag(sentences, batch_size=32)


def test_network_batches_group_like_medical_ner():
    """max_chars 20: width classes above 8, 12 and 16 characters (planBatches in packages/medical-ner/src/batches.ts)."""
    widths = [3, 20, 9, 8, 13, 3]
    segments = [(i, 0, n, 0, n) for i, n in enumerate([5, 2, 7, 9, 4, 8])]
    ids = lambda batches: [[seg[0] for seg in b] for b in batches]
    # classes 0, 3, 1, 0, 2, 0: widest class first, longest first within one, a batch never mixes classes
    assert ids(network_batches(segments, widths, 2, 20, "width")) == [[1], [4], [2], [3, 5], [0]]
    assert ids(network_batches(segments, widths, 2, 20, "length")) == [[3, 5], [2, 0], [4, 1]]
    with pytest.raises(ValueError, match="batching"):
        network_batches(segments, widths, 2, 20, "tokens")


def test_vocabulary_looks_words_up_like_word_embeddings_model(vocab):
    the = vocab.index["the"]
    assert vocab.row("the") == vocab.row("The") == vocab.row("THE") == the
    unknown = vocab.row("qqzxv-not-a-word")
    assert unknown == vocab.oov
    assert torch.count_nonzero(vocab.table[unknown]) == 0
    assert torch.count_nonzero(vocab.table[the]) > 0


def test_count_chunks_follows_bio():
    tags = ["O", "B-PROBLEM", "I-PROBLEM", "B-TEST", "I-TEST"]
    seqs = [torch.tensor([0, 1, 2, 2, 0, 3, 4, 1]), torch.tensor([2, 2, 0, 4]), torch.tensor([0])]
    # [B-P I-P I-P], [B-T I-T], [B-P]; an I- without its B- opens a chunk: [I-P I-P], [I-T]
    assert count_chunks(seqs, tags) == 5


def test_bench_reports_counts_of_the_input(tmp_path, notes, reference):
    path = tmp_path / "tokens.jsonl"
    path.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    result = bench(path, whitespace_tokens=12345, threads=(1, 2), trial_notes=5, batch_rows=8, batch_size=32)
    sentences = [s for note in notes for s in note if s]
    assert result["notes"] == len(notes)
    assert result["sentences"] == len(sentences)
    assert result["model_tokens"] == sum(len(s) for s in sentences)
    assert result["threads"] in (1, 2) and set(result["trial_model_tokens_per_s_by_threads"]) == {"1", "2"}
    assert result["trial_notes"] == 5 and result["network_batches"] > len(notes) / 8
    assert result["whitespace_tokens"] == 12345
    tags = reference.tag(sentences, batch_size=32)
    index = {t: i for i, t in enumerate(reference.m["tags"])}
    assert result["chunks"] == count_chunks([torch.tensor([index[t] for t in s]) for s in tags], reference.m["tags"])
    assert result["chunks"] > 0
