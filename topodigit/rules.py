"""Topology → digit, by a readable table of named rules.

The hole count picks a group; inside a group the rules are tried in order and the
first that fires decides. Each rule returns a *margin*: how far (in units of its
named scale) the deciding features are on the right side of their thresholds.
A positive margin fires the rule; its size becomes the confidence.

Bays are described by the direction they open to (``angle``: 0 right, 90 up,
180 left, 270 down), their area share of the convex hull and their centre row
(0 top, 1 bottom). The facts behind the table (measured on 27 font styles):

* 8 has two holes; 0, 6, 9 and a closed 4 have one; 1, 2, 3, 5, 7, open 4 none.
* The hole of 6 sits low, of 9 high, of 0 in the middle and covers much of the box.
* 2 opens left high and right low; 5 right high and left low; a seriffed 1 opens
  left and right at the same height; 3 has one big left bay; 7 one big left bay
  high up, with its ink weighted to the top; an open 4 has a bay opening up.

Examples
--------
>>> from topodigit.results import Bay, Hole, Topology
>>> hook = Bay(side="right", area=0.25, row=0.3, col=0.6, top=0.1, bottom=0.5, angle=5.0)
>>> t = Topology(height=40, width=26, holes=(Hole(row=0.7, col=0.5, area=0.2),), bays=(hook,))
>>> v = classify(t)
>>> v.char, v.rule
('6', 'hole-low')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from topodigit.results import UNREADABLE, Bay, Topology, Verdict

# Named thresholds ------------------------------------------------------------------
#: Bays smaller than this share of the hull are not counted by the rules.
BAY_SIGNIFICANT = 0.05
#: Two holes in a glyph that fills its hull with no waist: a zero whose dot
#: touches the ring (an 8 pinches in at its waist).
DOTTED_ZERO_SOLIDITY = 0.955
DOTTED_ZERO_MAX_BAY = 0.02
#: Centre row of the hole: above HOLE_HIGH it is high (9), below HOLE_LOW low (6).
HOLE_HIGH = 0.39
HOLE_LOW = 0.6
#: A ring (0) fills nearly all of its convex hull; a closed 4 does not.
ZERO_SOLIDITY = 0.93
#: A glyph with a low hole and no bay is an 8 whose upper loop is filled in.
FILLED_EIGHT_MAX_BAY = 0.045
#: An open 4 (OCR-A, seven-segment) has a bay opening up, in the upper half.
OPEN_FOUR_AREA = 0.12
OPEN_FOUR_ROW = 0.5
#: A glyph narrower than this (width / height) with no hole is a 1.
ONE_ASPECT = 0.53
#: 7: ink centroid above this row and a sizeable bay to the left.
SEVEN_CENTROID = 0.43
SEVEN_BAY_AREA = 0.15
#: 5: the left bay sits at least this much lower than the right bay ...
FIVE_ROW_SPLIT = 0.24
#: ... 2: the right bay at least this much lower than the left one ...
TWO_ROW_SPLIT = 0.12
#: ... seriffed 1: neither (left and right bays at one height), and a right bay
#: (beside the stem, above the foot) at least this share of the left bay; a 3's
#: right side has at most a notch.
RIGHT_BAY_SHARE = 0.25
#: 3: one big left bay, centred on the middle, and no right bay.
THREE_BAY_AREA = 0.15
THREE_BAY_OFFSET = 0.12
#: ... or two left bays, one reaching above the middle and one below it, apart
#: by at most this (a middle arm's thickness; glyph heights), taken as one.
SPLIT_BAY_GAP = 0.15
#: Rules that miss by less than this margin (one scale unit) stay candidates;
#: a rule whose deciding bay is absent scores exactly -1 and does not.
CANDIDATE_MARGIN = -1.0
#: A rule that fires with this margin (in units of its scales) gets confidence 1;
#: a bare pass gets 0.5.
FULL_CONFIDENCE_MARGIN = 1.0
#: A rule firing with less confidence than this (the fallback's AMBIGUOUS: the
#: readings it asks the templates about) keeps every digit of its hole count as a
#: candidate, even one whose deciding bay is absent (blur can fill a bold 5's
#: upper bay, and it passes as a 3 by its lower one alone).
WEAK_PASS = 0.75

LEFT = (120.0, 250.0)
RIGHT = (300.0, 60.0)
UP = (60.0, 120.0)


def _in(angle: float, sector: tuple[float, float]) -> bool:
    lo, hi = sector
    return lo <= angle < hi if lo < hi else angle >= lo or angle < hi


def bay(t: Topology, sector: tuple[float, float], *, min_area: float = BAY_SIGNIFICANT
        ) -> Bay | None:
    """Largest bay opening into ``sector`` (degrees), or None (of equal ones, the first)."""
    best = None
    for b in t.bays:
        if b.area >= min_area and _in(b.angle, sector) and (best is None or b.area > best.area):
            best = b
    return best


def _hole_row(t: Topology) -> float:
    return max(t.holes, key=lambda h: h.area).row


def _biggest_bay(t: Topology) -> float:
    return max((b.area for b in t.bays), default=0.0)


# Rule margins: > 0 fires; each term is (value - threshold) / scale -------------------
def _dotted_zero(t: Topology) -> float:
    return min((t.solidity - DOTTED_ZERO_SOLIDITY) / 0.01,
               (DOTTED_ZERO_MAX_BAY - _biggest_bay(t)) / 0.01)


def _eight(t: Topology) -> float:
    return 1.0 if t.n_holes == 2 else -1.0


def _nine(t: Topology) -> float:
    return (HOLE_HIGH - _hole_row(t)) / 0.1


def _six(t: Topology) -> float:
    return min((_hole_row(t) - HOLE_LOW) / 0.1,
               (_biggest_bay(t) - FILLED_EIGHT_MAX_BAY) / 0.03)


def _eight_filled(t: Topology) -> float:
    return min((_hole_row(t) - HOLE_LOW) / 0.1,
               (FILLED_EIGHT_MAX_BAY - _biggest_bay(t)) / 0.03)


def _zero(t: Topology) -> float:
    return (t.solidity - ZERO_SOLIDITY) / 0.02


def _four_closed(t: Topology) -> float:
    return (ZERO_SOLIDITY - t.solidity) / 0.02


def _four_open(t: Topology) -> float:
    up = bay(t, UP, min_area=OPEN_FOUR_AREA)
    if up is None:
        return -1.0
    return min((up.area - OPEN_FOUR_AREA) / 0.05, (OPEN_FOUR_ROW - up.row) / 0.1)


def _seven(t: Topology) -> float:
    left = bay(t, LEFT, min_area=SEVEN_BAY_AREA)
    if left is None:
        return -1.0
    return min((SEVEN_CENTROID - t.centroid[0]) / 0.02, (left.area - SEVEN_BAY_AREA) / 0.05)


def _one_narrow(t: Topology) -> float:
    return (ONE_ASPECT - t.aspect) / 0.05


def _sides(t: Topology) -> tuple[Bay, Bay] | None:
    left, right = bay(t, LEFT), bay(t, RIGHT)
    return (left, right) if left is not None and right is not None else None


def _five(t: Topology) -> float:
    lr = _sides(t)
    return -1.0 if lr is None else (lr[0].row - lr[1].row - FIVE_ROW_SPLIT) / 0.05


def _two(t: Topology) -> float:
    lr = _sides(t)
    return -1.0 if lr is None else (lr[1].row - lr[0].row - TWO_ROW_SPLIT) / 0.03


def _right_share(t: Topology) -> float:
    left, right = bay(t, LEFT, min_area=0.0), bay(t, RIGHT, min_area=0.0)
    if left is None:
        return 1.0
    return 0.0 if right is None else right.area / left.area


def _one_serif(t: Topology) -> float:
    lr = _sides(t)
    if lr is None:
        return -1.0
    split = lr[1].row - lr[0].row
    return min((split + FIVE_ROW_SPLIT) / 0.05, (TWO_ROW_SPLIT - split) / 0.03,
               (_right_share(t) - RIGHT_BAY_SHARE) / 0.05)


def _left_opening(t: Topology) -> tuple[float, float] | None:
    """Area and row of the glyph's opening to the left: its largest left bay,
    or, when a long middle arm splits a 3's bay in two, the two left bays
    above and below the middle taken together (area-weighted row)."""
    found = sorted((b for b in t.bays if _in(b.angle, LEFT) and b.area >= BAY_SIGNIFICANT),
                   key=lambda b: b.area, reverse=True)
    if not found:
        return None
    if len(found) > 1:
        upper, lower = sorted(found[:2], key=lambda b: b.row)
        if upper.row < 0.5 < lower.row and lower.top - upper.bottom <= SPLIT_BAY_GAP:
            area = upper.area + lower.area
            return area, (upper.area * upper.row + lower.area * lower.row) / area
    return found[0].area, found[0].row


def _three(t: Topology) -> float:
    left = _left_opening(t)
    if left is None or left[0] < THREE_BAY_AREA:
        return -1.0
    area, row = left
    return min((area - THREE_BAY_AREA) / 0.05,
               (THREE_BAY_OFFSET - abs(row - 0.5)) / 0.05,
               (RIGHT_BAY_SHARE - _right_share(t)) / 0.05)


@dataclass(frozen=True)
class Rule:
    """One named rule: the digit it decides, why, and its margin function."""

    name: str
    digit: str
    holes: int
    why: str
    margin: Callable[[Topology], float]


RULES: tuple[Rule, ...] = (
    Rule("ring-with-dot", "0", 2, "two holes, no waist: a dotted zero", _dotted_zero),
    Rule("two-holes", "8", 2, "two holes", _eight),
    Rule("hole-high", "9", 1, "one hole, high", _nine),
    Rule("hole-low", "6", 1, "one hole, low, a bay beside it", _six),
    Rule("hole-low-no-bay", "8", 1, "one hole, low, no bay: upper loop filled in", _eight_filled),
    Rule("ring", "0", 1, "one hole in the middle, glyph fills its hull", _zero),
    Rule("hole-with-bays", "4", 1, "one hole in the middle, with bays", _four_closed),
    Rule("open-top", "4", 0, "no hole, a bay opening up", _four_open),
    Rule("top-heavy", "7", 0, "no hole, ink high, big left bay", _seven),
    Rule("narrow", "1", 0, "no hole, narrow", _one_narrow),
    Rule("right-high-left-low", "5", 0, "no hole, opens right high and left low", _five),
    Rule("left-high-right-low", "2", 0, "no hole, opens left high and right low", _two),
    Rule("stem-with-foot", "1", 0, "no hole, opens left and right at one height", _one_serif),
    Rule("big-left-bay", "3", 0, "no hole, one big left bay in the middle", _three),
)


def classify(t: Topology) -> Verdict:
    """Apply :data:`RULES` to one glyph's topology.

    Returns an unreadable :class:`Verdict` (char ``"?"``) when no rule fires.
    """
    holes = min(t.n_holes, 2)
    tried = [(r, r.margin(t)) for r in RULES if r.holes == holes]
    for rule, m in tried:
        if m > 0:
            conf = min(1.0, 0.5 + 0.5 * m / FULL_CONFIDENCE_MARGIN)
            # a bare pass says little: then every digit of its hole count may be it
            near = (r.digit for r, rm in tried if r is not rule
                    and (rm > CANDIDATE_MARGIN or conf < WEAK_PASS))
            candidates = tuple(dict.fromkeys((rule.digit, *near)))
            return Verdict(rule.digit, conf, "rule", rule.name,
                           f"rule {rule.name}: {rule.why} -> {rule.digit}",
                           candidates=candidates)
    return Verdict(UNREADABLE, 0.0, "rule", "none",
                   f"no rule fits a glyph with {t.n_holes} hole(s)",
                   candidates=tuple(dict.fromkeys(r.digit for r, _ in tried)))


__all__ = ["RULES", "Rule", "bay", "classify"]
