"""Document-level sequences: each document becomes one sequence, with the same gold chunks."""
import json

import pytest

from tools.train.conll import chunks, load_split, read_conll, write_conll
from tools.train.documents import merge_documents, write_documents


def corpora(tmp_path):
    d = tmp_path / "conll"
    d.mkdir()
    docs = [[(["Fever", "."], ["B-PROBLEM", "O"]), (["No", "cough", "."], ["O", "B-PROBLEM", "O"])],
            [(["Renal", "failure", "."], ["B-PROBLEM", "I-PROBLEM", "O"])]]
    write_conll(d / "c.train.conll", docs)
    write_conll(d / "other.train.conll", docs[:1])
    (d / "manifest.json").write_text(json.dumps({"sources": {
        "c": {"labels": ["PROBLEM"], "files": {"train": "c.train.conll"}},
        "other": {"labels": ["PROBLEM"], "files": {"train": "other.train.conll"}}}}))
    return d


def test_each_document_is_one_sequence_with_the_same_chunks(tmp_path):
    src = corpora(tmp_path)
    sents = read_conll(src / "c.train.conll", "c")
    docs = merge_documents(sents)
    assert [d.tokens for d in docs] == [["Fever", ".", "No", "cough", "."], ["Renal", "failure", "."]]
    assert [d.doc for d in docs] == [0, 1]
    assert sum(len(chunks(d.tags)) for d in docs) == sum(len(chunks(s.tags)) for s in sents) == 3
    assert [s.tokens for s in sents][0] == ["Fever", "."]  # the input is not modified


def test_the_copy_keeps_only_the_named_sources(tmp_path):
    out = tmp_path / "doc"
    counts = write_documents(corpora(tmp_path), out, ["c"])
    assert counts == {"c.train": (2, 5)}
    entry = json.loads((out / "manifest.json").read_text())["sources"]
    assert list(entry) == ["c"] and entry["c"]["context"] == "document"
    train, labels = load_split(out, ["c"], "train")
    assert [len(s.tokens) for s in train] == [5, 3] and labels == {"c": ["PROBLEM"]}
    with pytest.raises(SystemExit, match="no source missing"):
        write_documents(tmp_path / "conll", out, ["missing"])


def test_a_sentence_that_starts_inside_a_mention_is_refused(tmp_path):
    d = tmp_path / "x.conll"
    write_conll(d, [[(["Renal"], ["B-PROBLEM"]), (["failure"], ["I-PROBLEM"])]])
    with pytest.raises(ValueError, match="document 0: a sentence starts inside a mention"):
        merge_documents(read_conll(d, "x"))
