"""Pseudo-labelled sentences come only from the chosen text files, never from a held-out split, and join the
corpora as one more source."""
import gzip
import json

import pytest

from tools.train.conll import load_split, read_conll, write_conll
from tools.train.pseudo_label import draw, held_out_sentences, only_labels, text_sentences, write_corpus


def corpora(tmp_path):
    """A CoNLL directory like tools/corpora's: one source with train, dev and test splits."""
    d = tmp_path / "conll"
    d.mkdir()
    for split, sents in {"train": [["a", "b"]], "dev": [["held", "out", "dev", "x", "y"]],
                         "test": [["held", "out", "test", "x", "y"]]}.items():
        write_conll(d / f"c.{split}.conll", [[(s, ["O"] * len(s)) for s in sents]])
    files = {split: f"c.{split}.conll" for split in ("train", "dev", "test")}
    (d / "manifest.json").write_text(json.dumps({"sources": {"c": {"labels": ["PROBLEM"], "files": files}}}))
    return d


def tokens_file(tmp_path):
    path = tmp_path / "tokens.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("one from craft .\ntwo from abstracts\nthree from abstracts\nfour from medquad\n")
    files = [{"file": "/x/craft_ccby.txt.gz", "sentences": 1}, {"file": "/x/abstracts.txt.gz", "sentences": 2},
             {"file": "/x/medquad.txt.gz", "sentences": 1}]
    (tmp_path / "tokens.txt.gz.json").write_text(json.dumps({"files": files}))
    return path


def test_sentences_come_from_the_named_text_files_only(tmp_path):
    path = tokens_file(tmp_path)
    assert text_sentences(path, ["abstracts"]) == [["two", "from", "abstracts"], ["three", "from", "abstracts"]]
    assert text_sentences(path, ["craft_ccby", "medquad"]) == [["one", "from", "craft", "."], ["four", "from", "medquad"]]
    with pytest.raises(SystemExit, match="no text file named ohsumed"):
        text_sentences(path, ["ohsumed"])
    (tmp_path / "tokens.txt.gz.json").write_text(json.dumps({"files": [{"file": "/x/abstracts.txt.gz", "sentences": 3}]}))
    with pytest.raises(SystemExit, match="4 sentences, but its JSON counts 3"):
        text_sentences(path, ["abstracts"])


def test_held_out_sentences_are_never_drawn(tmp_path):
    held = held_out_sentences(corpora(tmp_path))
    assert held == {"held out dev x y", "held out test x y"}
    text = [["held", "out", "dev", "x", "y"], ["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e"], ["short"],
            ["held", "out", "test", "x", "y"], ["f", "g", "h", "i", "j"]]
    drawn = draw(text, held, n=10, seed=1)
    assert sorted(map(tuple, drawn)) == [tuple("abcde"), tuple("fghij")]  # distinct, long enough, not held out
    assert draw(text, held, n=1, seed=1) == draw(text, held, n=1, seed=1)


def test_labels_the_source_does_not_annotate_become_o():
    assert only_labels(["B-PROBLEM", "I-PROBLEM", "B-TEST", "O"], ["PROBLEM"]) == ["B-PROBLEM", "I-PROBLEM", "O", "O"]


def test_the_pseudo_labelled_source_joins_the_corpora(tmp_path):
    src, out = corpora(tmp_path), tmp_path / "kd"
    sents, tags = [["x", "y", "z"]], [["B-PROBLEM", "I-PROBLEM", "O"]]
    entry = write_corpus(src, out, "c-kd", ["PROBLEM"], sents, tags, {"teacher": "t", "sentences": 1})
    assert entry == {"labels": ["PROBLEM"], "files": {"train": "c-kd.train.conll"},
                     "pseudoLabelled": {"teacher": "t", "sentences": 1}}
    train, labels = load_split(out, ["c", "c-kd"], "train")
    assert [s.tokens for s in train] == [["a", "b"], ["x", "y", "z"]] and labels == {"c": ["PROBLEM"], "c-kd": ["PROBLEM"]}
    assert read_conll(out / "c.test.conll")[0].tokens == ["held", "out", "test", "x", "y"]  # the source's own files
    with pytest.raises(SystemExit, match="already has a source named 'c'"):
        write_corpus(src, tmp_path / "again", "c", ["PROBLEM"], sents, tags, {})
