"""The training-data contract: Spark NLP-style CoNLL files plus a manifest of which labels each source annotates.

File: `-DOCSTART- -X- -X- O` at each document start, `token -X- -X- TAG` per token (BIO2), blank line
between sentences. Manifest (`manifest.json` in the same directory):
  {"sources": {"aci-train": {"labels": ["PROBLEM", "TEST", "TREATMENT"],
                             "files": {"train": "aci-train.train.conll"}}, ...}}
"""
import json
from dataclasses import dataclass
from pathlib import Path

LABELS = ("PROBLEM", "TEST", "TREATMENT")


@dataclass
class Sentence:
    tokens: list
    tags: list
    source: str
    doc: int  # document index within its file


def tags_for(labels=LABELS):
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


def head_tags(labels):
    """A multi-task head's tags: the model's when its labels are among the model's (its CRF lines up with the main
    one), its own when they are not (an auxiliary source's CHEMICAL)."""
    return tags_for() if set(labels) <= set(LABELS) else tags_for(labels)


def read_conll(path, source=""):
    sents, toks, tags, doc = [], [], [], -1
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip():
                if toks:
                    sents.append(Sentence(toks, tags, source, max(doc, 0)))
                toks, tags = [], []
                continue
            # Split from the right: a token never contains a space, but be lenient about it anyway.
            parts = line.rsplit(" ", 3)
            if parts[0] == "-DOCSTART-":
                doc += 1
                continue
            toks.append(parts[0])
            tags.append(parts[-1])
    if toks:
        sents.append(Sentence(toks, tags, source, max(doc, 0)))
    return sents


def write_conll(path, docs):
    """docs: iterable of documents, each a list of (tokens, tags) sentences."""
    with open(path, "w", encoding="utf-8") as f:
        for doc in docs:
            f.write("-DOCSTART- -X- -X- O\n\n")
            for toks, tags in doc:
                for tok, tag in zip(toks, tags):
                    f.write(f"{tok} -X- -X- {tag}\n")
                f.write("\n")


def read_manifest(conll_dir):
    return json.loads((Path(conll_dir) / "manifest.json").read_text())["sources"]


def auxiliary_sources(conll_dir):
    """{auxiliary source: the source whose documents it labels again}: tools/corpora's `auxiliaryOf` entries."""
    return {name: entry["auxiliaryOf"] for name, entry in read_manifest(conll_dir).items() if "auxiliaryOf" in entry}


def load_split(conll_dir, sources, split):
    """Sentences of `split` from each source that has it, and {source: labels annotated}."""
    manifest = read_manifest(conll_dir)
    sents, labels = [], {}
    for name in sources:
        entry = manifest[name]
        if split in entry["files"]:
            sents += read_conll(Path(conll_dir) / entry["files"][split], name)
            labels[name] = list(entry["labels"])
    return sents, labels


def chunks(tags):
    """BIO2 tags -> set of (label, start, end_exclusive). A stray I-X opens a chunk (conlleval behaviour)."""
    out, label, start = [], None, 0
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, name = tag.partition("-")
        if label is not None and (prefix != "I" or name != label):
            out.append((label, start, i))
            label = None
        if prefix == "B" or (prefix == "I" and label is None):
            label, start = name, i
    return out
