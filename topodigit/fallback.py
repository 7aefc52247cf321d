"""Combine the rules with nearest neighbours: page calibration, consistency, KNN.

Works on one page's digit glyphs at once, because one page uses one font:

1. **Page templates.** Glyphs the rules (or the segment decoder) read with at
   least :data:`CALIBRATE` confidence become templates for this page.
2. **Consistency.** Two page templates of near-identical shape but different
   digits, two clearly different shapes read as one digit, or one digit read
   by different rules (one font draws a digit one way) are suspect: their
   confidence drops and they are decided again like ambiguous glyphs.
3. **Fallback.** A glyph is ambiguous when no rule fits, its margin is low
   (confidence under :data:`AMBIGUOUS`) or it was found inconsistent. It takes
   the digit of the nearest page template within :data:`PAGE_GATE` (pages
   compare their glyphs by classic 10x10 pixels, cheap to compute), otherwise
   the built-in (or user) model's vote, restricted to the rules' candidates
   when the rules fired. A model's far neighbour gives
   nothing, and the rules' reading stands.

Examples
--------
>>> import numpy as np
>>> from topodigit.knn import Model
>>> from topodigit.results import Verdict
>>> bar = np.zeros((40, 8), bool); bar[:, 2:6] = True
>>> model = Model.fit([bar], ["1"], features="raw", gate=1.0)
>>> unsure = Verdict("?", 0.0, "rule", "none", "no rule fits")
>>> decide([unsure], [bar], model=model, classifier="hybrid")[0].char
'1'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from topodigit.errors import BadArgumentError
from topodigit.knn import Model, feature_vector
from topodigit.results import Verdict

CLASSIFIERS = ("hybrid", "rules", "knn")
#: Rule verdicts under this confidence (margin under a half) are ambiguous.
AMBIGUOUS = 0.75
#: Rule verdicts at least this confident become page templates.
CALIBRATE = 0.9
#: Unit of distance between a page's glyphs (classic 10x10 pixel features): about
#: the distance between different digits of different fonts (the built-in raw
#: templates' gate is 2.18).
PAGE_UNIT = 2.0
#: A page template decides an ambiguous glyph within this many units.
PAGE_GATE = 0.5
#: Two templates closer than this many units are the same shape.
SAME_SHAPE = 0.1
#: Two templates of one digit farther apart than this many units are clearly
#: different shapes; every template of that digit is then suspect.
ODD_SHAPE = 0.8
#: Confidence a suspect verdict keeps when nothing decides it again.
SUSPECT_CONFIDENCE = 0.5
#: Methods whose confident verdicts calibrate the page.
_TRUSTED = ("rule", "segments")


def decide(verdicts: Sequence[Verdict], masks: Sequence[np.ndarray | None], *, model: Model,
           classifier: str = "hybrid") -> list[Verdict]:
    """Final verdicts of one page's glyphs.

    Parameters
    ----------
    verdicts : sequence of Verdict
        The rules' (or segment decoder's) verdicts.
    masks : sequence of ndarray or None
        Each glyph's ink mask; ``None`` for glyphs only the rules decide
        (punctuation placed by layout).
    model : Model
        Templates for the fallback.
    classifier : {"hybrid", "rules", "knn"}
        ``"rules"`` returns ``verdicts``; ``"knn"`` asks only ``model``.
    """
    if classifier not in CLASSIFIERS:
        raise BadArgumentError(f"classifier must be one of {CLASSIFIERS}, got {classifier!r}")
    out = list(verdicts)
    if classifier == "rules":
        return out
    idx = [i for i, m in enumerate(masks) if m is not None and m.size]
    if classifier == "knn":
        for i in idx:
            out[i] = model.classify(masks[i])  # type: ignore[arg-type]
        return out
    # the page compares its own glyphs by cheap raw pixels; the model only sees
    # the ambiguous ones, in its own features
    vecs = {i: feature_vector(masks[i], kind="raw") for i in idx}  # type: ignore[arg-type]
    trusted = [i for i in idx if out[i].method in _TRUSTED and out[i].readable
               and out[i].confidence >= CALIBRATE]
    settled = [i for i in idx if out[i].method in _TRUSTED and out[i].readable
               and out[i].confidence >= AMBIGUOUS]  # what the rules would keep
    suspect = _inconsistent(settled, vecs, [out[i].char for i in settled])
    suspect |= _mixed_rules(trusted, out)
    page = [i for i in trusted if i not in suspect]
    page_tree = None  # built for the first glyph that needs it
    for i in idx:
        v = out[i]
        if v.method not in _TRUSTED or (v.readable and v.confidence >= AMBIGUOUS
                                        and i not in suspect):
            continue
        allowed = v.candidates if v.readable and i not in suspect else None
        decided = None
        if page and page_tree is None:
            page_tree = cKDTree(np.stack([vecs[j] for j in page]))
        if page_tree is not None:
            decided = _from_page(vecs[i], page_tree, [out[j].char for j in page], allowed,
                                 PAGE_UNIT * PAGE_GATE, exclude=page.index(i) if i in page
                                 else None)
        if decided is None:
            knn = model.classify(masks[i], allowed=allowed)  # type: ignore[arg-type]
            decided = knn if knn.readable else None
        if decided is None:
            if i in suspect:
                out[i] = _demoted(v)
            continue
        if decided.char == v.char:
            decided = Verdict(v.char, max(v.confidence, decided.confidence), v.method, v.rule,
                              f"{v.reason}; confirmed by {decided.reason}", v.candidates)
        elif v.readable:
            decided = Verdict(decided.char, decided.confidence, decided.method, decided.rule,
                              f"{decided.reason}; rules said {v.char} with low confidence"
                              if i not in suspect else
                              f"{decided.reason}; {v.char} by the rules was inconsistent "
                              "with the page", decided.candidates)
        out[i] = decided
    return out


def _inconsistent(ids: list[int], vecs: dict[int, np.ndarray], chars: list[str]
                  ) -> set[int]:
    """Page templates whose shapes disagree with their digits (see module doc)."""
    if len(ids) < 2:
        return set()
    pts = np.stack([vecs[i] for i in ids])
    dist = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
    np.fill_diagonal(dist, np.inf)
    lab = np.array(chars)
    same = lab[:, None] == lab[None, :]
    twin = (~same & (dist < SAME_SHAPE * PAGE_UNIT)).any(axis=1)  # same shape, other digit
    odd = (same & np.isfinite(dist) & (dist > ODD_SHAPE * PAGE_UNIT)).any(axis=1)
    odd_labels = set(lab[odd].tolist())
    return {ids[a] for a in range(len(ids)) if twin[a] or lab[a] in odd_labels}


def _mixed_rules(ids: list[int], verdicts: list[Verdict]) -> set[int]:
    """Glyphs of a digit that a page's other glyphs of that digit read by another rule.

    One font draws a digit one way, so one rule should read all its copies (a
    "ring" 0 beside a "ring-with-dot" 0 means one of them is something else, e.g.
    a seven-segment 8 whose middle bar floats). The rule read fewer times is
    suspect; when two rules tie, both are.
    """
    by_digit: dict[str, dict[str, list[int]]] = {}
    for i in ids:
        by_digit.setdefault(verdicts[i].char, {}).setdefault(verdicts[i].rule, []).append(i)
    bad: set[int] = set()
    for rules_ in by_digit.values():
        if len(rules_) < 2:
            continue
        most = max(len(m) for m in rules_.values())
        majority = [r for r, m in rules_.items() if len(m) == most]
        for rule, members in rules_.items():
            if rule not in majority or len(majority) > 1:
                bad.update(members)
    return bad


def _from_page(vec: np.ndarray, tree: cKDTree, chars: list[str],
               allowed: Sequence[str] | None, gate: float, exclude: int | None
               ) -> Verdict | None:
    """The nearest allowed page template within ``gate``, as a verdict."""
    k = min(len(chars), 8)
    dist, idx = tree.query(vec, k=k)
    for d, j in zip(np.atleast_1d(dist), np.atleast_1d(idx), strict=True):
        if j == exclude or j >= len(chars) or (allowed and chars[j] not in allowed):
            continue
        if d > gate:
            return None
        return Verdict(chars[j], max(0.5, 1.0 - float(d) / gate), "knn", "page",
                       f"page: like this page's confident '{chars[j]}' at {float(d):.2f} "
                       f"(gate {gate:.2f})", candidates=(chars[j],))
    return None


def _demoted(v: Verdict) -> Verdict:
    return Verdict(v.char, min(v.confidence, SUSPECT_CONFIDENCE), v.method, v.rule,
                   f"{v.reason}; inconsistent with other glyphs of the page", v.candidates)


__all__ = ["AMBIGUOUS", "CALIBRATE", "CLASSIFIERS", "PAGE_GATE", "decide"]
