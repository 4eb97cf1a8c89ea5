"""Contextual string embeddings for the tagger's tokens, from a pair of character LMs (tools.train.charlm).

A token's features are the forward LM's state after the token's last character and the backward LM's state after
its first character (read right to left), both over the sentence's tokens joined by single spaces and framed by
"\\n". The LMs are frozen, so each sentence's features are computed once and fed beside its word vectors.
"""
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .charlm import BOUNDARY, CharLM, encode

SEPARATOR = " "


def lm_inputs(sentences, index, unknown, boundary=BOUNDARY, separator=SEPARATOR):
    """The LM inputs of a batch of token lists: each direction's char ids of the framed text [B,L] and each token's
    index into that direction's states [B,T] (0 for padding): its last character read forwards, its first read
    backwards. The training features, the exported graph and the reference runtime all build them here."""
    texts = [separator.join(toks) for toks in sentences]
    width, t_max = max(len(t) for t in texts) + 2, max(len(s) for s in sentences)
    out = {f"lm_chars_{d}": np.zeros((len(texts), width), np.int64) for d in ("fwd", "bwd")}
    out.update({f"lm_index_{d}": np.zeros((len(texts), t_max), np.int64) for d in ("fwd", "bwd")})
    for b, (text, toks) in enumerate(zip(texts, sentences)):
        for d in ("fwd", "bwd"):
            ids = encode(text, index, d == "bwd", unknown, boundary)
            out[f"lm_chars_{d}"][b, :len(ids)] = ids
        pos = 0
        for j, tok in enumerate(toks):
            out["lm_index_fwd"][b, j] = pos + len(tok)
            out["lm_index_bwd"][b, j] = len(text) - pos
            pos += len(tok) + len(separator)
    return out


def pick_states(lm, chars, index):
    """The LM's states [B,L,H] at each token's index [B,T] -> [B,T,H]; padding after a sequence never reaches its
    earlier states."""
    h = lm(chars)
    return torch.gather(h, 1, index.unsqueeze(2).expand(-1, -1, h.shape[2]))


class CharLMPair:
    """The forward and backward LMs: from tools.train.charlm's directory, or from `saved()` (a tagger checkpoint)."""

    def __init__(self, directory=None, saved=None):
        self.models, self.configs, self.histories = {}, {}, {}
        for direction in ("fwd", "bwd"):
            state = saved[direction] if saved else torch.load(Path(directory) / direction / "lm.pt", weights_only=False)
            cfg = state["config"]
            assert cfg["direction"] == direction, f"{directory}/{direction}: an LM trained as {cfg['direction']}"
            model = CharLM(len(cfg["chars"]) + 2, cfg["dim"], cfg["hidden"])
            model.load_state_dict(state["model"])
            self.models[direction], self.configs[direction] = model.eval(), cfg
            self.histories[direction] = state["history"]
        chars = self.configs["fwd"]["chars"]
        # One character table for both, as the manifest's contextualStrings has.
        assert chars == self.configs["bwd"]["chars"], "the forward and backward LMs have different characters"
        self.index = {c: i + 2 for i, c in enumerate(chars)}
        self.unknown = self.configs["fwd"]["unknown"]
        self.dim = sum(m.lstm.hidden_size for m in self.models.values())

    def saved(self):
        """What a tagger checkpoint keeps of the LMs, so that exporting it needs nothing else."""
        return {d: {"config": self.configs[d], "model": self.models[d].state_dict(), "history": self.histories[d]}
                for d in self.models}

    def graph_inputs(self, sentences):
        return lm_inputs(sentences, self.index, self.unknown)

    def features(self, sentences, batch_chars=32000):
        """[n_tokens, dim] float32 per sentence (a list of token lists), in batches of about batch_chars characters."""
        width = [len(SEPARATOR.join(toks)) + 2 for toks in sentences]
        order = sorted(range(len(sentences)), key=lambda i: width[i])
        out = [None] * len(sentences)
        a = 0
        with torch.no_grad():
            while a < len(order):
                b = a + 1
                while b < len(order) and width[order[b]] * (b - a + 1) <= batch_chars:
                    b += 1
                idx = order[a:b]
                feeds = {k: torch.from_numpy(v) for k, v in self.graph_inputs([sentences[i] for i in idx]).items()}
                states = torch.cat([pick_states(self.models[d], feeds[f"lm_chars_{d}"], feeds[f"lm_index_{d}"])
                                    for d in ("fwd", "bwd")], dim=2).numpy()
                for r, i in enumerate(idx):
                    out[i] = states[r, :len(sentences[i])].copy()
                a = b
        return out


def add_features(items, lms):
    """Give each encoded item (train.py's dicts) a `context` array for its tokens."""
    feats = lms.features([it["sent"].tokens for it in items])
    for it, f in zip(items, feats):
        it["context"] = torch.from_numpy(f)


class ContextualTagger(nn.Module):
    """The exported graph of a tagger trained with --charlm: both LMs run inside it, over char ids the runtime
    builds from the tokens (`CharLMPair.graph_inputs`), and their states at each token join its word vectors."""

    def __init__(self, tagger, lms):
        super().__init__()
        self.tagger = tagger
        self.fwd_lm, self.bwd_lm = lms.models["fwd"], lms.models["bwd"]

    def forward(self, word_vectors, char_ids, lengths, lm_chars_fwd, lm_chars_bwd, lm_index_fwd, lm_index_bwd):
        x = torch.cat([word_vectors, pick_states(self.fwd_lm, lm_chars_fwd, lm_index_fwd),
                       pick_states(self.bwd_lm, lm_chars_bwd, lm_index_bwd)], dim=2)
        h = self.tagger.encode(x, char_ids, lengths)
        return (self.tagger.out(h), *(layer(h) for layer in self.tagger.heads.values()))


GRAPH_INPUTS = ["word_vectors", "char_ids", "lengths", "lm_chars_fwd", "lm_chars_bwd", "lm_index_fwd", "lm_index_bwd"]


def sample_feeds(lms, char_vocab, dim, lengths, max_chars, seed=0):
    """A synthetic mixed-length batch of random tokens over the tagger's characters, as the runtime would feed it."""
    rng = np.random.default_rng(seed)
    letters = [c for c in char_vocab if c.strip()]
    sentences = [["".join(rng.choice(letters, rng.integers(1, max_chars + 1))) for _ in range(n)] for n in lengths]
    b, t = len(sentences), max(lengths)
    wv = np.zeros((b, t, dim), np.float32)
    ch = np.zeros((b, t, max_chars), np.int64)
    for i, s in enumerate(sentences):
        wv[i, :len(s)] = rng.normal(0, 0.3, (len(s), dim))
        for j, tok in enumerate(s):
            ch[i, j, :len(tok)] = [char_vocab[c] for c in tok]
    feeds = {"word_vectors": wv, "char_ids": ch, "lengths": np.array(lengths, np.int64), **lms.graph_inputs(sentences)}
    return sentences, {k: feeds[k] for k in GRAPH_INPUTS}  # the graph's input order


def export_onnx(graph, path, feeds, outputs, opset):
    import warnings

    dynamic = {"word_vectors": {0: "B", 1: "T"}, "char_ids": {0: "B", 1: "T", 2: "C"}, "lengths": {0: "B"},
               "lm_chars_fwd": {0: "B", 1: "L"}, "lm_chars_bwd": {0: "B", 1: "L"},
               "lm_index_fwd": {0: "B", 1: "T"}, "lm_index_bwd": {0: "B", 1: "T"},
               **{o: {0: "B", 1: "T"} for o in outputs}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(graph.eval(), tuple(torch.from_numpy(feeds[k]) for k in GRAPH_INPUTS), str(path),
                          opset_version=opset, input_names=GRAPH_INPUTS, output_names=outputs, dynamic_axes=dynamic)


def parity(graph, lms, onnx_path, char_vocab, dim, max_chars):
    """export.compare_with_torch for a graph with character LMs: each sentence alone gets its own LM inputs."""
    from .export import PARITY_LENGTHS, compare_with_torch

    sentences, feeds = sample_feeds(lms, char_vocab, dim, PARITY_LENGTHS, max_chars, seed=1)
    alone = []
    for i, n in enumerate(PARITY_LENGTHS):
        width = max(len(tok) for tok in sentences[i])
        alone.append({"word_vectors": feeds["word_vectors"][i:i + 1, :n],
                      "char_ids": feeds["char_ids"][i:i + 1, :n, :width], "lengths": feeds["lengths"][i:i + 1],
                      **lms.graph_inputs([sentences[i]])})
    return compare_with_torch(graph, onnx_path, feeds, alone)


def manifest_section(lms):
    """The manifest's `contextualStrings`: what the runtime needs to build the LM inputs."""
    return {"method": "contextual string embeddings (Akbik et al. 2018): character LMs in the graph",
            "charVocab": {"<pad>": 0, "<unk>": lms.unknown, **lms.index},
            "boundary": BOUNDARY, "tokenSeparator": SEPARATOR,
            "hidden": {d: lms.models[d].lstm.hidden_size for d in lms.models},
            "heldOutBitsPerChar": {d: lms.histories[d][-1]["heldOutBpc"] for d in lms.models},
            "inputs": {"lm_chars_fwd": "int64 [B,L]: ids of boundary + tokens joined by the separator + boundary",
                       "lm_chars_bwd": "int64 [B,L]: the same text reversed, framed the same way",
                       "lm_index_fwd": "int64 [B,T]: per token, the index of its last character in lm_chars_fwd",
                       "lm_index_bwd": "int64 [B,T]: per token, the index of its first character in lm_chars_bwd"}}
