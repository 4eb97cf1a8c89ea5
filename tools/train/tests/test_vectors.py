"""The word vectors' text: the tokenised corpus, plus (on request) the train splits' tokens and nothing else."""
import json

from tools.train.vectors import Sentences, kindling_tokenizer, train_split_files


def write_conll(path, sentences):
    lines = ["-DOCSTART- -X- -X- O", ""]
    for tokens in sentences:
        lines += [f"{t} -X- -X- O" for t in tokens] + [""]
    path.write_text("\n".join(lines) + "\n")


def test_train_text_adds_train_splits_only_and_each_document_once(tmp_path):
    for name in ["a.train", "a.dev", "a.test", "b.train", "c.dev", "a-aux.train"]:
        write_conll(tmp_path / f"{name}.conll", [[name, "Word"]])
    (tmp_path / "manifest.json").write_text(json.dumps({"sources": {
        "a": {"labels": [], "files": {"train": "a.train.conll", "dev": "a.dev.conll", "test": "a.test.conll"}},
        "b": {"labels": [], "files": {"train": "b.train.conll"}},
        "c": {"labels": [], "files": {"dev": "c.dev.conll"}},
        # a's documents again (other labels): their text is already in once.
        "a-aux": {"labels": [], "files": {"train": "a-aux.train.conll"}, "auxiliaryOf": "a"}}}))
    files = train_split_files(tmp_path)
    assert [p.name for p in files] == ["a.train.conll", "b.train.conll"]

    text = tmp_path / "tokens.txt"
    text.write_text("The Text .\nMore\n")
    sents = Sentences(text, lowercase=True, conll_files=files)
    expected = [["the", "text", "."], ["more"], ["a.train", "word"], ["b.train", "word"]]
    assert list(sents) == expected
    assert list(sents) == expected  # gensim iterates once per epoch
    assert list(Sentences(text, lowercase=False))[0] == ["The", "Text", "."]


def test_the_vectors_metadata_names_the_tokeniser_the_corpora_cli_recorded(tmp_path):
    corpus = tmp_path / "tokens.txt.gz"
    assert kindling_tokenizer(corpus) == "Kindling Tokenizer (default params)"  # written before the record
    (tmp_path / "tokens.txt.gz.json").write_text('{"generatedBy": "tools/corpora (Tokenizer, splitPattern \\"-\\")"}')
    assert kindling_tokenizer(corpus) == 'tools/corpora (Tokenizer, splitPattern "-")'
