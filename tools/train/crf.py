"""Linear-chain CRF over BIO tags with hard BIO constraints and a partial-label (marginal) loss.

Partial labels: each sentence carries `allowed` [B, T, K], the tags each token may take given what its
source annotates. The loss is -log sum_{paths consistent with allowed} p(path) = logZ(all) - logZ(allowed).
A one-hot `allowed` (fully annotated source) makes logZ(allowed) the gold path score: the ordinary CRF NLL.
"""
import torch
from torch import nn

NEG = -10000.0  # "forbidden" score; finite so it survives JSON export and stays NaN-free in logsumexp


def bio_constraints(tags):
    """(allowed_transitions [K, K] from->to, allowed_start [K]) for BIO2: I-X only after B-X or I-X."""
    k = len(tags)
    trans = torch.ones(k, k, dtype=torch.bool)
    start = torch.ones(k, dtype=torch.bool)
    for j, to in enumerate(tags):
        if to.startswith("I-"):
            start[j] = False
            for i, frm in enumerate(tags):
                trans[i, j] = frm[2:] == to[2:] and frm != "O"
    return trans, start


def allowed_tags(tags, observed, annotated, partial=True):
    """[T, K] bool mask of tags each token may take.

    observed: gold tag strings of one sentence; annotated: labels the sentence's source annotates.
    An observed B-X/I-X is fixed. An observed O may be O, or (partial=True) any B-/I- tag of a label the
    source does not annotate. partial=False is the "missing labels are O" ablation.
    """
    index = {t: i for i, t in enumerate(tags)}
    free = [i for i, t in enumerate(tags) if t != "O" and t[2:] not in annotated] if partial else []
    mask = torch.zeros(len(observed), len(tags), dtype=torch.bool)
    for pos, tag in enumerate(observed):
        mask[pos, index[tag]] = True
        if tag == "O" and free:
            mask[pos, free] = True
    return mask


class CRF(nn.Module):
    def __init__(self, tags):
        super().__init__()
        self.tags = list(tags)
        k = len(tags)
        self.transitions = nn.Parameter(torch.zeros(k, k))  # [from, to]
        self.start = nn.Parameter(torch.zeros(k))
        self.end = nn.Parameter(torch.zeros(k))
        trans_ok, start_ok = bio_constraints(self.tags)
        self.register_buffer("trans_ok", trans_ok)
        self.register_buffer("start_ok", start_ok)

    def scores(self):
        """Constrained (transitions, start, end): what the exported manifest ships to the TS Viterbi."""
        return (self.transitions.masked_fill(~self.trans_ok, NEG),
                self.start.masked_fill(~self.start_ok, NEG),
                self.end)

    def log_partition(self, emissions, mask, allowed=None):
        """log sum over paths (restricted to `allowed` if given). emissions [B,T,K], mask [B,T] bool."""
        trans, start, end = self.scores()
        em = emissions if allowed is None else emissions.masked_fill(~allowed, NEG)
        alpha = start + em[:, 0]
        for t in range(1, em.shape[1]):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans, dim=1) + em[:, t]
            alpha = torch.where(mask[:, t:t + 1], nxt, alpha)
        return torch.logsumexp(alpha + end, dim=1)

    def nll(self, emissions, mask, allowed):
        """Per-sentence negative marginal log-likelihood of the allowed paths [B]."""
        return self.log_partition(emissions, mask) - self.log_partition(emissions, mask, allowed)

    def path_score(self, emissions, tags, length):
        """Score of one explicit path (for tests): emissions [T,K], tags list of ints."""
        trans, start, end = self.scores()
        s = start[tags[0]] + emissions[0, tags[0]]
        for t in range(1, length):
            s = s + trans[tags[t - 1], tags[t]] + emissions[t, tags[t]]
        return s + end[tags[length - 1]]

    @torch.no_grad()
    def viterbi(self, emissions, lengths):
        """Best tag-id path per sentence (list of lists). emissions [B,T,K]."""
        trans, start, end = self.scores()
        return viterbi_decode(emissions, lengths, trans, start, end)


def viterbi_decode(emissions, lengths, trans, start, end):
    """Batched Viterbi over constrained scores; the reference for the TypeScript decoder."""
    b, t_max, _ = emissions.shape
    lengths = torch.as_tensor(lengths)
    score = start + emissions[:, 0]
    back = []
    for t in range(1, t_max):
        cand = score.unsqueeze(2) + trans  # [B, from, to]
        best, arg = cand.max(dim=1)
        nxt = best + emissions[:, t]
        live = (t < lengths).unsqueeze(1)
        score = torch.where(live, nxt, score)
        back.append(arg)
    out = []
    final = score + end
    for i in range(b):
        n = int(lengths[i])
        tag = int(final[i].argmax())
        path = [tag]
        for t in range(n - 1, 0, -1):
            tag = int(back[t - 1][i, tag])
            path.append(tag)
        out.append(path[::-1])
    return out
