"""tools/train's abbreviation propagation (used to score models) passes the same hand-written cases as the
@kindling/abbreviations stage users run (packages/abbreviations/test/fixtures/cases.json)."""
import json

from tools.train import paths
from tools.train.abbreviations import definitions, propagate

CASES = json.loads((paths.REPO / "packages/abbreviations/test/fixtures/cases.json").read_text())


def test_definitions_match_the_typescript_stage():
    for case in CASES["definitions"]:
        found = [[short, first, end - 1, index] for short, first, end, index in definitions(case["tokens"])]
        assert found == case["found"], case["tokens"]


def test_propagation_matches_the_typescript_stage():
    for case in CASES["propagation"]:
        assert propagate(case["sentences"], case["tags"]) == case["expected"], case["about"]
