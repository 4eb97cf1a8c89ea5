"""Default locations. Shared data is read in place (never copied); outputs go to tools/out (gitignored)."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared").resolve()
OUT = REPO / "tools" / "out"
TEXT_DIR = SHARED / "data" / "text"
NER_DIR = SHARED / "data" / "ner"
CONLL_DIR = OUT / "conll"
EMBEDDINGS_DIR = OUT / "embeddings"
RUNS_DIR = OUT / "runs"
