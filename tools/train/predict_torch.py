"""PyTorch predictions of a checkpoint on a CoNLL file: the reference that tools/parity compares Kindling's
TypeScript runtime with (same windows and Viterbi as training-time evaluation).

  /usr/bin/python3 -m tools.train.predict_torch tools/out/runs/full/best.pt --pred tools/out/aci-dev.torch.conll
      [--conll tools/out/conll/aci-dev.dev.conll]
"""
import argparse

import torch

from . import paths
from .conll import read_conll, write_conll
from .crf import CRF
from .data import Encoder
from .model import Tagger
from .train import Lexicon, Net, predict


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--conll", default=str(paths.CONLL_DIR / "aci-dev.dev.conll"))
    ap.add_argument("--pred", required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)

    ckpt = torch.load(args.checkpoint, map_location="cpu")
    lex = Lexicon(ckpt["embeddings_dir"])
    tags = ckpt["tags"]
    tagger = Tagger(ckpt["char_vocab"], len(tags), lex.matrix.shape[1], **ckpt["config"])
    net = Net(lex.matrix, tagger, CRF(tags), tune=False)
    net.load_state_dict(ckpt["state"])
    enc = Encoder(lex, ckpt["char_vocab"], tags, ckpt["max_chars"], {})
    sents = read_conll(args.conll)
    window = ckpt["window"]
    pred = predict(net, [enc.encode(s) for s in sents], window["maxTokens"], window["overlap"])
    docs = {}
    for s, p in zip(sents, pred):
        docs.setdefault(s.doc, []).append((s.tokens, [tags[i] for i in p]))
    write_conll(args.pred, docs.values())
    print(f"{len(sents)} sentences tagged by PyTorch -> {args.pred}")


if __name__ == "__main__":
    main()
