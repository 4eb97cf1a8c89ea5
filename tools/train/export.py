"""Export a checkpoint to Kindling's NER model format: model.onnx (emissions only) + manifest.json.

  /usr/bin/python3 -m tools.train.export tools/out/runs/quick/best.pt [--out tools/out/runs/quick/export]

The CRF is not in the graph: its constrained transition scores go to the manifest and Viterbi runs in TS.
After export, ONNX Runtime (if installed) is compared with PyTorch on a mixed-length batch.
"""
import argparse
import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import torch

from . import embeddings
from .crf import CRF
from .model import ExportedTagger, Tagger

OPSET = 17  # highest torch 1.13 exports


def load(ckpt_path):
    ckpt = torch.load(ckpt_path, map_location="cpu")
    dim = ckpt["embeddings_meta"]["dimension"] + (ckpt["charlm"]["dim"] if "charlm" in ckpt else 0)
    tagger = Tagger(ckpt["char_vocab"], len(ckpt["tags"]), dim, **ckpt["config"])
    tagger.load_state_dict({k[7:]: v for k, v in ckpt["state"].items() if k.startswith("tagger.")})
    crf = CRF(ckpt["tags"])
    crf.load_state_dict({k[4:]: v for k, v in ckpt["state"].items() if k.startswith("crf.")})
    head_crfs = {}
    for name in tagger.heads:
        prefix = f"head_crfs.{name}."
        head_crfs[name] = CRF(ckpt["heads"][name].get("tags", ckpt["tags"]))
        head_crfs[name].load_state_dict({k[len(prefix):]: v for k, v in ckpt["state"].items() if k.startswith(prefix)})
        head_crfs[name].eval()
    return ckpt, tagger.eval(), crf.eval(), head_crfs


def head_output(name):
    return f"emissions_{name}"


def sample_batch(n_chars, dim, lengths, max_chars, seed=0):
    """Synthetic mixed-length batch: padded like the TS side pads (zeros after each length)."""
    g = torch.Generator().manual_seed(seed)
    b, t = len(lengths), max(lengths)
    wv = torch.zeros(b, t, dim)
    ch = torch.zeros(b, t, max_chars, dtype=torch.long)
    for i, n in enumerate(lengths):
        wv[i, :n] = torch.randn(n, dim, generator=g) * 0.3
        for j in range(n):
            w = int(torch.randint(1, max_chars + 1, (1,), generator=g))
            ch[i, j, :w] = torch.randint(1, n_chars, (w,), generator=g)
    return wv, ch, torch.tensor(lengths)


def compare_with_torch(graph, onnx_path, feeds, alone):
    """Max |ORT - torch| of `emissions` over the real positions of a mixed-length batch (`feeds`, in the graph's
    input order, lengths under "lengths"), and of each sentence fed alone (`alone`, trimmed to its own size) against
    the batch: padding must change nothing. None without onnxruntime."""
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not installed: parity check skipped")
        return None
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    lengths = [int(n) for n in feeds["lengths"]]
    with torch.no_grad():
        out = graph(*(torch.from_numpy(v) for v in feeds.values()))
        ref = (out[0] if isinstance(out, tuple) else out).numpy()
    got = sess.run(["emissions"], feeds)[0]
    diff = max(float(np.abs(got[i, :n] - ref[i, :n]).max()) for i, n in enumerate(lengths))
    worst = max(float(np.abs(sess.run(["emissions"], one)[0][0] - ref[i, :n]).max())
                for i, (n, one) in enumerate(zip(lengths, alone)))
    print(f"parity: max |onnx - torch| = {diff:.2e}; max |alone - batched| = {worst:.2e} (lengths {lengths})")
    return {"maxAbsDiffOnnxTorch": diff, "maxAbsDiffBatchInvariance": worst, "lengths": lengths}


PARITY_LENGTHS = [1, 5, 17, 40, 128]


def parity(tagger, onnx_path, n_chars, dim, max_chars):
    """compare_with_torch on a synthetic batch; each sentence alone is trimmed to its own widest token."""
    wv, ch, ln = sample_batch(n_chars, dim, PARITY_LENGTHS, max_chars)
    feed = lambda w, c, l: {"word_vectors": w.numpy(), "char_ids": c.numpy(), "lengths": l.numpy()}
    alone = []
    for i, n in enumerate(PARITY_LENGTHS):
        c = ch[i:i + 1, :n]
        width = max(int((c[0] > 0).sum(1).max()), 1)
        alone.append(feed(wv[i:i + 1, :n], c[:, :, :width], ln[i:i + 1]))
    return compare_with_torch(lambda w, c, l: tagger(w, c, l), onnx_path, feed(wv, ch, ln), alone)


def to_onnx(tagger, path, n_chars, dim, max_chars, graph=None):
    """`graph` (default: the tagger's main output and heads) is the module traced."""
    wv, ch, ln = sample_batch(n_chars, dim, [3, 7], max_chars)
    outputs = ["emissions"] + [head_output(name) for name in tagger.heads]
    with warnings.catch_warnings():
        # torch 1.13 warns about LSTM batch size and prim::Constant shape inference; the parity check
        # runs other batch sizes and lengths than the export trace, which is what matters.
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(
            (graph or ExportedTagger(tagger)).eval(), (wv, ch, ln), str(path), opset_version=OPSET,
            input_names=["word_vectors", "char_ids", "lengths"], output_names=outputs,
            dynamic_axes={"word_vectors": {0: "B", 1: "T"}, "char_ids": {0: "B", 1: "T", 2: "C"},
                          "lengths": {0: "B"}, **{o: {0: "B", 1: "T"} for o in outputs}})


def fp16_weights(src, dst):
    """model.fp16.onnx: float32 initializers stored as float16 and Cast back to float32 at load.
    Half the file, same fp32 compute and I/O; emissions move by ~1e-3 (reported as parity)."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(str(src))
    g = m.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != onnx.TensorProto.FLOAT or np.prod(init.dims) < 16:
            continue
        arr = numpy_helper.to_array(init).astype(np.float16)
        half = numpy_helper.from_array(arr, init.name + "__fp16")
        g.initializer.remove(init)
        g.initializer.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT))
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))


def training_splits(ckpt):
    """Named only when not the usual train split alone (e.g. train + dev for a fixed-epoch BC5CDR model)."""
    splits = ckpt["args"].get("train_splits", ["train"])
    return {} if splits == ["train"] else {"splits": splits}


def training_tokenizer(ckpt):
    """What tokenised the training CoNLL: its manifest's `generatedBy` (tools/corpora or the stand-in)."""
    path = Path(ckpt["args"]["conll_dir"]) / "manifest.json"
    return json.loads(path.read_text()).get("generatedBy", "unknown") if path.exists() else "unknown"


def encoder_pretraining(pre):
    """What the manifest says about a bidirectional-LM-pretrained encoder (tools/train/pretrain.py)."""
    last = pre["history"][-1]
    return {"method": "bidirectional language model on the word vectors' text (tools/train/pretrain.py)",
            "epochs": last["epoch"], "heldOutPerplexity": last["heldOutPerplexity"],
            "maxTokens": pre["args"]["max_tokens"], "predictedWords": pre["args"]["vocab"]}


def export_run(ckpt_path, out_dir):
    ckpt, tagger, crf, head_crfs = load(ckpt_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    emb_meta = ckpt["embeddings_meta"]
    dim, n_chars, max_chars = emb_meta["dimension"], len(ckpt["char_vocab"]) + 2, ckpt["max_chars"]
    storage_ref = emb_meta["storageRef"]
    tuned = ckpt["args"].get("tune_embeddings") or not ckpt["args"].get("freeze_embeddings", True)
    if tuned:  # tuned vectors are part of the model: ship them alongside
        _, words, _ = embeddings.read(ckpt["embeddings_dir"])
        table = ckpt["state"]["table.weight"][:-1].numpy()
        storage_ref += "_tuned"
        embeddings.write(out / "embeddings", words, table, storage_ref=storage_ref,
                         case_sensitive=emb_meta["caseSensitive"], dtype=emb_meta["dtype"],
                         source={**emb_meta["source"], "tunedBy": "tools/train/train.py (fine-tuned with the tagger)"})

    onnx_path, fp16_path = out / "model.onnx", out / "model.fp16.onnx"
    contextual = None
    if "charlm" in ckpt:  # the character LMs run inside the graph, on inputs the runtime builds from the tokens
        from . import contextual as ctx
        lms = ctx.CharLMPair(saved=ckpt["charlm"]["lms"])
        graph = ctx.ContextualTagger(tagger, lms).eval()
        _, feeds = ctx.sample_feeds(lms, ckpt["char_vocab"], dim, [3, 7], max_chars)
        ctx.export_onnx(graph, onnx_path, feeds, ["emissions"] + [head_output(n) for n in tagger.heads], OPSET)
        check = ctx.parity(graph, lms, onnx_path, ckpt["char_vocab"], dim, max_chars)
        fp16_weights(onnx_path, fp16_path)
        check16 = ctx.parity(graph, lms, fp16_path, ckpt["char_vocab"], dim, max_chars)
        contextual = ctx.manifest_section(lms)
    else:
        to_onnx(tagger, onnx_path, n_chars, dim, max_chars)
        check = parity(tagger, onnx_path, n_chars, dim, max_chars)
        fp16_weights(onnx_path, fp16_path)
        check16 = parity(tagger, fp16_path, n_chars, dim, max_chars)

    trans, start, end = (x.detach().tolist() for x in crf.scores())
    dev = ckpt["dev"]
    r4 = lambda d: {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}
    manifest = {
        "format": "kindling-ner", "formatVersion": 1, "name": "ner_clinical_open",
        "tags": ckpt["tags"],
        "transitions": trans, "startTransitions": start, "endTransitions": end,
        "charVocab": {"<pad>": 0, "<unk>": 1, **ckpt["char_vocab"]},
        "maxCharsPerToken": max_chars, "lowercaseChars": False,
        "embeddings": {"storageRef": storage_ref, "dimension": dim, "caseSensitive": emb_meta["caseSensitive"],
                       "oov": "zero vector"},
        "window": {**ckpt["window"], "stitch": "midpoint of each overlap"},
        "inputs": {"word_vectors": "float32 [B,T,D]", "char_ids": "int64 [B,T,C]", "lengths": "int64 [B]",
                   **(contextual["inputs"] if contextual else {})},
        **({"contextualStrings": {k: v for k, v in contextual.items() if k != "inputs"}} if contextual else {}),
        "outputs": {"emissions": "float32 [B,T,K]", **{head_output(n): "float32 [B,T,K]" for n in head_crfs}},
        "heads": {name: {"output": head_output(name), **ckpt["heads"][name],
                         **dict(zip(("transitions", "startTransitions", "endTransitions"),
                                    (x.detach().tolist() for x in c.scores())))}
                  for name, c in head_crfs.items()},
        "opset": OPSET,
        "trainingData": [{"source": s, "labels": l, **training_splits(ckpt)} for s, l in ckpt["sources"].items()],
        "metrics": {"devSource": ckpt["dev_source"], "epoch": ckpt["epoch"],
                    # a fixed-epoch model (--dev-source none) has no selection score
                    "strict": dev and {k: r4(v) for k, v in dev["strict"].items()},
                    "relaxed": dev and {k: r4(v) for k, v in dev["relaxed"].items()},
                    "tokenizer": training_tokenizer(ckpt)},
        "training": {"profile": ckpt["profile"], "config": ckpt["config"],
                     "partialLabels": not ckpt["args"]["missing_as_o"],
                     "tunedEmbeddings": bool(tuned), "seed": ckpt["args"]["seed"],
                     **({"lrSchedule": ckpt["lr_schedule"]} if "lr_schedule" in ckpt else {}),
                     # the exported weights are an exponential moving average with this per-step decay
                     **({"weightAverage": ckpt["weight_average"]} if ckpt.get("weight_average") else {}),
                     # Rei (2017): the encoder also learnt to predict neighbouring words (not in the graph)
                     **({"auxiliaryLanguageModel": ckpt["auxiliary_lm"]} if ckpt.get("auxiliary_lm") else {}),
                     **({"encoderPretraining": encoder_pretraining(ckpt["encoder_pretraining"])}
                        if "encoder_pretraining" in ckpt else {})},
        "parity": {"model.onnx": check, "model.fp16.onnx": check16},
        "files": {"model.onnx": {"sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
                                 "bytes": onnx_path.stat().st_size},
                  "model.fp16.onnx": {"sha256": hashlib.sha256(fp16_path.read_bytes()).hexdigest(),
                                      "bytes": fp16_path.stat().st_size, "note": "float16 weights, float32 compute"}},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    print(f"exported {onnx_path} ({onnx_path.stat().st_size / 1e6:.2f} MB) + manifest.json")
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--out", help="default: <checkpoint dir>/export")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    export_run(args.checkpoint, args.out or Path(args.checkpoint).parent / "export")


if __name__ == "__main__":
    main()
