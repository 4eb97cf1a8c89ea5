"""STAND-IN sentence splitter and tokeniser.

Kindling's real SentenceDetector/Tokenizer are TypeScript; a TS script will write the same file formats
(tokenised text for `vectors`, CoNLL for `train`). This module only exists so the Python toolchain can run
before that script does. Do not treat its rules as the reference.

Rules: a token is a run of word characters joined by inner hyphens, apostrophes or dots
("60-year-old", "mid-LAD", "COVID-19", "Tinel's", "7.2"), or any single other non-space character.
Sentences end at line breaks (spans never cross them) and after . ! ? followed by space and an
uppercase letter, digit or bullet, unless the word before is a known abbreviation.
"""
import re

# U+200B / U+FEFF are invisible and not \s in Python or JS: treat them as spaces.
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\s\u200b\ufeff]")
_BOUNDARY = re.compile(r"[.!?]+[\"')\]”’]*\s+(?=[A-Z0-9•\-\"“(])")
_ABBREV = {"dr", "mr", "mrs", "ms", "vs", "st", "no", "approx", "e.g", "i.e", "etc", "fig"}


def tokenize(text, offset=0):
    """[(token, start, end)] with character offsets (end exclusive) shifted by `offset`."""
    return [(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(text)]


def split_sentences(text):
    """[(start, end)] character spans of sentences; whitespace-only spans are dropped."""
    spans = []
    pos = 0
    for line in re.split(r"(\r\n|\r|\n)", text):
        if line and line not in ("\r\n", "\r", "\n"):
            start = 0
            for m in _BOUNDARY.finditer(line):
                before = line[start:m.start()].split()
                last = before[-1].lower().rstrip(".") if before else ""
                if last in _ABBREV or (len(last) == 1 and last.isalpha()):
                    continue
                end = m.start() + len(m.group().rstrip())
                spans.append((pos + start, pos + end))
                start = m.end()
            spans.append((pos + start, pos + len(line)))
        pos += len(line)
    return [(s, e) for s, e in spans if text[s:e].strip("\u200b\ufeff \t\u00a0\u202f")]


def tokenize_document(text):
    """[[(token, start, end), ...] per sentence] with offsets into `text`."""
    out = []
    for s, e in split_sentences(text):
        toks = tokenize(text[s:e], s)
        if toks:
            out.append(toks)
    return out
