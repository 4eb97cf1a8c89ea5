"""PyTorch predictions of a checkpoint on a CoNLL file: the reference that tools/parity compares Kindling's
TypeScript runtime with (same windows and Viterbi as training-time evaluation).

  /usr/bin/python3 -m tools.train.predict_torch tools/out/runs/full/best.pt --pred tools/out/aci-dev.torch.conll
      [--conll tools/out/conll/aci-dev.dev.conll]
"""
import argparse

import torch

from . import export, paths
from .conll import read_conll, write_conll
from .data import Encoder
from .train import Lexicon, Net, predict


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--conll", default=str(paths.CONLL_DIR / "aci-dev.dev.conll"))
    ap.add_argument("--pred", required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)

    # The parts the exported graph has (tagger, CRFs), as the exporter loads them: training-only parts such as an
    # auxiliary LM head stay behind. The word table is the checkpoint's (fine-tuned or not); the Lexicon maps words.
    ckpt, tagger, crf, head_crfs = export.load(args.checkpoint)
    if "charlm" in ckpt:  # its graph also takes the character LMs' inputs, which this reference does not build
        raise SystemExit(f"{args.checkpoint}: a model with character LMs (--charlm); score its export with infer_onnx")
    lex = Lexicon(ckpt["embeddings_dir"])
    tags = ckpt["tags"]
    net = Net(ckpt["state"]["table.weight"].numpy(), tagger, crf, tune=False, head_crfs=head_crfs)
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
