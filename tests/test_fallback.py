"""The hybrid stage: page calibration, consistency and the gated KNN fallback."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_knn import bar, ell, ring
from topodigit import BadArgumentError
from topodigit.fallback import decide
from topodigit.knn import Model
from topodigit.results import Verdict


def rule(char: str, conf: float, candidates: tuple[str, ...] = ()) -> Verdict:
    return Verdict(char, conf, "rule", "r", f"rule r -> {char}", candidates or (char,))


UNSURE = Verdict("?", 0.0, "rule", "none", "no rule fits", ("0", "4", "6", "9"))


@pytest.fixture
def model() -> Model:
    return Model.fit([bar(), ring(), ell()], ["1", "0", "4"], features="raw", gate=100.0)


def test_rules_only_is_untouched(model: Model) -> None:
    vs = [rule("7", 0.55), UNSURE]
    assert decide(vs, [bar(), ring()], model=model, classifier="rules") == vs


def test_knn_only_asks_the_model_for_every_glyph_with_ink(model: Model) -> None:
    mark = Verdict(".", 1.0, "layout", "decimal-point", "a dot")
    out = decide([rule("7", 1.0), mark], [bar(), None], model=model, classifier="knn")
    assert out[0].char == "1" and out[0].method == "knn"
    assert out[1] == mark


def test_confident_rule_stands_against_knn(model: Model) -> None:
    out = decide([rule("7", 1.0)], [bar()], model=model)
    assert out[0].char == "7" and out[0].method == "rule"


def test_unreadable_glyph_goes_to_knn(model: Model) -> None:
    out = decide([UNSURE], [ring()], model=model)
    assert out[0].char == "0" and out[0].method == "knn"


def test_low_margin_vote_is_restricted_to_the_rules_candidates(model: Model) -> None:
    out = decide([rule("7", 0.55, ("7", "4"))], [ring()], model=model)
    assert out[0].char == "4" and "rules said 7" in out[0].reason


def test_knn_agreeing_keeps_the_rule_and_says_so(model: Model) -> None:
    out = decide([rule("0", 0.6, ("0", "4"))], [ring()], model=model)
    assert out[0].method == "rule" and "confirmed by" in out[0].reason


def test_far_neighbour_leaves_the_rules_reading(model: Model) -> None:
    tight = Model.fit([bar()], ["1"], features="raw", gate=1e-3)
    out = decide([rule("0", 0.6, ("0", "1"))], [ring()], model=tight)
    assert out[0].char == "0" and out[0].method == "rule"


def test_page_templates_decide_ambiguous_glyphs_first() -> None:
    # the built-in model would say "1", but this page's confident "7" has this shape
    model = Model.fit([bar(), ring()], ["1", "0"], features="raw", gate=100.0)
    out = decide([rule("7", 1.0), UNSURE], [ell(), ell()], model=model)
    assert out[1].char == "7" and out[1].rule == "page"


def test_one_shape_read_as_two_digits_is_suspect() -> None:
    model = Model.fit([ring()], ["0"], features="raw", gate=100.0)
    out = decide([rule("0", 1.0), rule("6", 1.0)], [ring(), ring()], model=model)
    assert [v.char for v in out] == ["0", "0"]
    assert "inconsistent" in out[1].reason


def test_different_shapes_read_as_one_digit_are_suspect() -> None:
    model = Model.fit([bar(), ring()], ["1", "0"], features="raw", gate=1.0)
    noisy = ring()
    out = decide([rule("1", 1.0), rule("1", 1.0)], [bar(), noisy], model=model)
    assert out[1].char == "0"
    assert out[0].char == "1"


def test_bad_classifier_name(model: Model) -> None:
    with pytest.raises(BadArgumentError, match="classifier"):
        decide([], [], model=model, classifier="svm")


def test_empty_page(model: Model) -> None:
    assert decide([], [], model=model) == []
    assert decide([UNSURE], [np.zeros((0, 0), bool)], model=model) == [UNSURE]
