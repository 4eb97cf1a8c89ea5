"""BiLSTM-CNN tagger (Chiu & Nichols 2016; Lample et al. 2016) producing CRF emissions.

Input is word VECTORS, not ids: the TS runtime looks them up in the shipped embeddings, so the ONNX graph
is (word_vectors [B,T,D], char_ids [B,T,C], lengths [B]) -> emissions [B,T,K]. The CRF stays outside.
Padding never changes real positions' outputs (char max-pool is masked, the backward LSTM runs on each
sequence reversed within its own length), so any batching in TS gives the same emissions.
"""
import torch
from torch import nn

from .chars import char_classes


def reverse_within(x, lengths):
    """Reverse each sequence's first lengths[b] steps, leave padding in place. x [B,T,F]."""
    t = torch.arange(x.shape[1], device=x.device).unsqueeze(0)
    n = lengths.unsqueeze(1)
    idx = torch.where(t < n, n - 1 - t, t)
    return torch.gather(x, 1, idx.unsqueeze(2).expand(-1, -1, x.shape[2]))


def bidirectional(fwd, bwd, x, lengths):
    """Both directions' states, concatenated; the backward LSTM reads each sequence reversed within its length."""
    h_f, _ = fwd(x)
    h_b, _ = bwd(reverse_within(x, lengths))
    return torch.cat([h_f, reverse_within(h_b, lengths)], dim=2)


class Tagger(nn.Module):
    def __init__(self, char_vocab, n_tags, word_dim, char_dim=30, char_filters=50, char_kernel=3,
                 hidden=150, dropout=0.5, casing=True, heads=(), layers=1):
        super().__init__()
        n_chars = len(char_vocab) + 2
        self.char_emb = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.char_cnn = nn.Conv1d(char_dim, char_filters, char_kernel, padding=char_kernel // 2)
        self.casing = casing
        self.register_buffer("char_class", torch.tensor(char_classes(char_vocab)))
        feat = word_dim + char_filters + (5 if casing else 0)
        self.drop = nn.Dropout(dropout)
        self.fwd = nn.LSTM(feat, hidden, batch_first=True)
        self.bwd = nn.LSTM(feat, hidden, batch_first=True)
        # BiLSTM layers stacked above the first (Reimers & Gurevych 2017 found two suit sequence labelling best), each
        # reading both directions of the layer below; none by default, so one-layer checkpoints load as before.
        self.upper = nn.ModuleList(
            nn.ModuleList([nn.LSTM(2 * hidden, hidden, batch_first=True), nn.LSTM(2 * hidden, hidden, batch_first=True)])
            for _ in range(layers - 1))
        self.out = nn.Linear(2 * hidden, n_tags)
        # Multi-task heads (Crichton et al. 2017; Wang et al. 2019): corpora whose span convention differs from
        # the clinical one (NCBI-disease, BC5CDR) share the encoder but get their own output layer and CRF, so
        # they teach the shared representation without teaching the clinical head their boundaries.
        # `heads` maps a head to its tag count; a list of names (older checkpoints) means the model's own tags.
        sizes = heads if isinstance(heads, dict) else dict.fromkeys(heads, n_tags)
        self.heads = nn.ModuleDict({name: nn.Linear(2 * hidden, k) for name, k in sizes.items()})

    def char_features(self, char_ids):
        b, t, c = char_ids.shape
        real = char_ids > 0  # [B,T,C]
        e = self.char_emb(char_ids.reshape(b * t, c)).transpose(1, 2)  # [BT, E, C]
        h = self.char_cnn(e)  # [BT, F, C]; edge windows see zero pad embeddings, like padded columns
        h = h.masked_fill(~real.reshape(b * t, 1, c), -1e4).max(dim=2).values.reshape(b, t, -1)
        token = real.any(dim=2, keepdim=True)
        feats = [h * token.float()]  # padding tokens -> 0 instead of -1e4
        if self.casing:
            cls = self.char_class[char_ids]  # [B,T,C,3] upper/lower/digit
            n_upper, n_lower, n_digit = cls.sum(dim=2).unbind(-1)
            n = real.float().sum(dim=2)
            feats.append(torch.stack([
                cls[:, :, 0, 0],                                   # first char upper
                ((n_upper > 0) & (n_lower == 0)).float(),          # all letters upper (acronyms)
                (n_lower > 0).float(),                             # any lower
                (n_digit > 0).float(),                             # any digit
                ((n_upper + n_lower + n_digit == 0) & (n > 0)).float(),  # punctuation/symbol only
            ], dim=2))
        return torch.cat(feats, dim=2)

    def encode(self, word_vectors, char_ids, lengths):
        x = self.drop(torch.cat([word_vectors, self.char_features(char_ids)], dim=2))
        h = bidirectional(self.fwd, self.bwd, x, lengths)
        for fwd, bwd in self.upper:
            h = bidirectional(fwd, bwd, self.drop(h), lengths)
        return self.drop(h)

    def forward(self, word_vectors, char_ids, lengths, head=None):
        """Emissions of the clinical output layer, or of the named multi-task head."""
        h = self.encode(word_vectors, char_ids, lengths)
        return self.out(h) if head is None else self.heads[head](h)


class ExportedTagger(nn.Module):
    """The ONNX graph: `emissions` (clinical) first, then one `emissions_<head>` output per multi-task head."""

    def __init__(self, tagger):
        super().__init__()
        self.tagger = tagger

    def forward(self, word_vectors, char_ids, lengths):
        h = self.tagger.encode(word_vectors, char_ids, lengths)
        return (self.tagger.out(h), *(layer(h) for layer in self.tagger.heads.values()))
