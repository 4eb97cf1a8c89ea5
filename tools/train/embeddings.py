"""Kindling's word-embeddings format (see README.md): embeddings.json + vocab.txt + vectors.bin."""
import json
from pathlib import Path

import numpy as np

FORMAT = "kindling-embeddings"


def write(out_dir, words, matrix, *, storage_ref, case_sensitive, source, dtype="float16"):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for w in words:  # one word per line: a word may not contain a line break or be empty
        if not w or "\n" in w or "\r" in w:
            raise ValueError(f"unwritable word {w!r}")
    mat = np.ascontiguousarray(matrix, dtype=np.dtype(dtype).newbyteorder("<"))
    (out / "vocab.txt").write_text("".join(w + "\n" for w in words), encoding="utf-8")
    (out / "vectors.bin").write_bytes(mat.tobytes())
    meta = {
        "format": FORMAT, "formatVersion": 1, "storageRef": storage_ref,
        "dimension": int(mat.shape[1]), "count": int(mat.shape[0]), "dtype": dtype,
        "caseSensitive": bool(case_sensitive), "source": source,
    }
    (out / "embeddings.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def read(in_dir):
    """(meta, words, float32 matrix [N, D])."""
    d = Path(in_dir)
    meta = json.loads((d / "embeddings.json").read_text())
    assert meta["format"] == FORMAT and meta["formatVersion"] == 1, meta
    words = (d / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
    mat = np.frombuffer((d / "vectors.bin").read_bytes(), dtype=np.dtype(meta["dtype"]).newbyteorder("<"))
    mat = mat.reshape(meta["count"], meta["dimension"]).astype(np.float32)
    assert len(words) == meta["count"], (len(words), meta["count"])
    return meta, words, mat


def lookup_key(token, case_sensitive):
    # JS String.prototype.toLowerCase and Python str.lower agree on BMP text (both full Unicode mapping).
    return token if case_sensitive else token.lower()
