"""Reference inference from the exported files alone (manifest + model.onnx + embeddings): exactly what the
TypeScript runtime must reproduce. Writes a prediction CoNLL and scores it.

  /usr/bin/python3 -m tools.train.infer_onnx tools/out/runs/quick/export [--model model.fp16.onnx]
      [--embeddings tools/out/embeddings] [--conll tools/out/conll/aci-dev.dev.conll] [--pred out.conll]
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np

from . import embeddings, paths
from .conll import read_conll, write_conll
from .crf import viterbi_decode
from .data import inference_windows
from .evaluate import chunk_scores, format_chunks


class OnnxTagger:
    def __init__(self, export_dir, model="model.onnx", emb_dir=None, head=None):
        import onnxruntime as ort

        d = Path(export_dir)
        self.m = json.loads((d / "manifest.json").read_text())
        if emb_dir is None:
            emb_dir = d / "embeddings" if (d / "embeddings").exists() else paths.EMBEDDINGS_DIR
        meta, words, self.vectors = embeddings.read(emb_dir)
        assert meta["storageRef"] == self.m["embeddings"]["storageRef"], "embeddings do not match the model"
        self.case_sensitive = meta["caseSensitive"]
        self.index = {w: i for i, w in enumerate(words)}
        self.sess = ort.InferenceSession(str(d / model), providers=["CPUExecutionProvider"])
        self.vocab = self.m["charVocab"]
        self.max_chars = self.m["maxCharsPerToken"]
        # A multi-task head has its own output and CRF scores; the default is the clinical output.
        scores = self.m["heads"][head] if head else self.m
        self.output = scores["output"] if head else "emissions"
        self.trans = np.array(scores["transitions"], np.float32)
        self.start = np.array(scores["startTransitions"], np.float32)
        self.end = np.array(scores["endTransitions"], np.float32)
        self.tags = scores.get("tags", self.m["tags"])  # a head with labels of its own has its own tags
        self.lm = self.m.get("contextualStrings")  # character LMs in the graph: their inputs are built here

    def _char_ids(self, tok):
        cps = list(tok)  # code points
        m = self.max_chars
        if len(cps) > m:
            cps = cps[:m // 2] + cps[len(cps) - (m - m // 2):]
        return [self.vocab.get(c, 1) for c in cps]

    def emissions(self, batch):
        """batch: list of token lists -> list of [n, K] arrays."""
        t = max(len(s) for s in batch)
        ids = [[self._char_ids(tok) for tok in s] for s in batch]
        c = max(len(x) for s in ids for x in s)
        wv = np.zeros((len(batch), t, self.vectors.shape[1]), np.float32)
        ch = np.zeros((len(batch), t, c), np.int64)
        for b, s in enumerate(batch):
            for j, tok in enumerate(s):
                row = self.index.get(tok if self.case_sensitive else tok.lower())
                if row is not None:
                    wv[b, j] = self.vectors[row]
                ch[b, j, :len(ids[b][j])] = ids[b][j]
        lengths = np.array([len(s) for s in batch], np.int64)
        feed = {"word_vectors": wv, "char_ids": ch, "lengths": lengths, **(self._lm_inputs(batch) if self.lm else {})}
        em = self.sess.run([self.output], feed)[0]
        return [em[b, :len(s)] for b, s in enumerate(batch)]

    def _lm_inputs(self, batch):
        """The character LMs' inputs, from the manifest's `contextualStrings` alone, as a runtime builds them."""
        from .contextual import lm_inputs

        vocab = self.lm["charVocab"]
        return lm_inputs(batch, vocab, vocab["<unk>"], self.lm["boundary"], self.lm["tokenSeparator"])

    def sentence_emissions(self, sentences, batch_size=32):
        """[n, K] emissions per sentence, long ones stitched from the manifest's overlapping windows."""
        w = self.m["window"]
        pieces = [(i, *win) for i, s in enumerate(sentences)
                  for win in inference_windows(len(s), w["maxTokens"], w["overlap"])]
        stitched = [np.zeros((len(s), len(self.tags)), np.float32) for s in sentences]
        for a in range(0, len(pieces), batch_size):
            chunk = pieces[a:a + batch_size]
            ems = self.emissions([sentences[i][s:e] for i, s, e, _, _ in chunk])
            for (i, s, e, kf, kt), em in zip(chunk, ems):
                stitched[i][kf:kt] = em[kf - s:kt - s]
        return stitched

    def tag(self, sentences, batch_size=32):
        import torch

        out = []
        for em in self.sentence_emissions(sentences, batch_size):
            path = viterbi_decode(torch.from_numpy(em)[None], [len(em)], torch.from_numpy(self.trans),
                                  torch.from_numpy(self.start), torch.from_numpy(self.end))[0]
            out.append([self.tags[k] for k in path])
        return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("export_dir")
    ap.add_argument("--model", default="model.onnx")
    ap.add_argument("--embeddings")
    ap.add_argument("--conll", default=str(paths.CONLL_DIR / "aci-dev.dev.conll"))
    ap.add_argument("--labels", nargs="+", default=["PROBLEM", "TEST", "TREATMENT"])
    ap.add_argument("--pred", help="write predictions here (CoNLL)")
    ap.add_argument("--head", help="a multi-task head of the model (manifest `heads`), e.g. ncbi")
    args = ap.parse_args(argv)
    tagger = OnnxTagger(args.export_dir, args.model, args.embeddings, args.head)
    sents = read_conll(args.conll)
    t0 = time.time()
    pred = tagger.tag([s.tokens for s in sents])
    secs = time.time() - t0
    print(f"{len(sents)} sentences, {sum(len(s.tokens) for s in sents)} tokens in {secs:.1f}s")
    print(format_chunks(chunk_scores([s.tags for s in sents], pred, args.labels)))
    if args.pred:
        docs = {}
        for s, p in zip(sents, pred):
            docs.setdefault(s.doc, []).append((s.tokens, p))
        write_conll(args.pred, docs.values())


if __name__ == "__main__":
    main()
