"""The CRF against brute-force enumeration of every tag path on tiny examples."""
import itertools

import pytest
import torch

from tools.train.crf import CRF, allowed_tags

TAGS = ["O", "B-A", "I-A", "B-B", "I-B"]


def make_crf(seed=0):
    torch.manual_seed(seed)
    crf = CRF(TAGS).double()
    with torch.no_grad():
        for p in crf.parameters():
            p.normal_()
    return crf


def valid(path):
    ok = {(i, j) for i in range(len(TAGS)) for j in range(len(TAGS))
          if not TAGS[j].startswith("I-") or TAGS[i][2:] == TAGS[j][2:] and TAGS[i] != "O"}
    return not TAGS[path[0]].startswith("I-") and all((a, b) in ok for a, b in zip(path, path[1:]))


def brute_logsumexp(crf, em, allowed=None):
    scores = [crf.path_score(em, list(p), em.shape[0])
              for p in itertools.product(range(len(TAGS)), repeat=em.shape[0])
              if valid(p) and (allowed is None or all(allowed[t, k] for t, k in enumerate(p)))]
    return torch.logsumexp(torch.stack(scores), 0)


@pytest.mark.parametrize("observed,annotated", [
    (["O", "B-A", "I-A", "O"], ["A"]),          # B unannotated: O tokens may hide B spans
    (["O", "O", "O", "O"], ["A"]),
    (["B-A", "O", "O", "I-A"], []),             # nothing annotated but the observed span (weak labels)
    (["O", "B-B", "O", "O"], ["A", "B"]),       # fully annotated
])
def test_partial_marginal_equals_brute_force(observed, annotated):
    crf = make_crf()
    em = torch.randn(len(observed), len(TAGS), dtype=torch.float64)
    allowed = allowed_tags(TAGS, observed, annotated)
    mask = torch.ones(1, len(observed), dtype=torch.bool)
    got = crf.log_partition(em[None], mask, allowed[None])[0]
    assert torch.allclose(got, brute_logsumexp(crf, em, allowed), atol=1e-9)
    assert torch.allclose(crf.log_partition(em[None], mask)[0], brute_logsumexp(crf, em), atol=1e-9)


def test_allowed_semantics():
    a = allowed_tags(TAGS, ["O", "B-A", "I-A"], ["A"])
    assert a[0].tolist() == [True, False, False, True, True]   # O: O or an unannotated label (B)
    assert a[1].tolist() == [False, True, False, False, False]  # observed tags are fixed
    ablation = allowed_tags(TAGS, ["O", "B-A", "I-A"], ["A"], partial=False)
    assert ablation[0].tolist() == [True, False, False, False, False]


def test_fully_labelled_reduces_to_standard_nll():
    crf = make_crf(1)
    gold = [["B-A", "I-A", "O", "B-B", "I-B"], ["O", "B-B", "O"]]
    lengths = [len(g) for g in gold]
    em = torch.randn(2, 5, len(TAGS), dtype=torch.float64)
    mask = torch.arange(5)[None] < torch.tensor(lengths)[:, None]
    allowed = torch.ones(2, 5, len(TAGS), dtype=torch.bool)
    for i, g in enumerate(gold):
        allowed[i, :len(g)] = allowed_tags(TAGS, g, ["A", "B"])
    nll = crf.nll(em, mask, allowed)
    for i, g in enumerate(gold):
        ids = [TAGS.index(t) for t in g]
        z = crf.log_partition(em[i:i + 1, :len(g)], mask[i:i + 1, :len(g)])[0]
        expected = z - crf.path_score(em[i], ids, len(g))
        assert torch.allclose(nll[i], expected, atol=1e-9)
        assert torch.allclose(z, brute_logsumexp(crf, em[i, :len(g)]), atol=1e-9)


def test_viterbi_matches_brute_force():
    crf = make_crf(2)
    lengths = [5, 1, 3, 4]
    em = torch.randn(len(lengths), 5, len(TAGS), dtype=torch.float64) * 2
    paths = crf.viterbi(em, lengths)
    for i, n in enumerate(lengths):
        best = max((p for p in itertools.product(range(len(TAGS)), repeat=n) if valid(p)),
                   key=lambda p: float(crf.path_score(em[i], list(p), n)))
        assert paths[i] == list(best)
