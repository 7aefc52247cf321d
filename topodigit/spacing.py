"""Spaces in a line: which glyphs follow a gap clearly wider than the usual step.

Arrays in, flags out: the glyphs' anchors (the columns spacing is measured
between, see :mod:`topodigit.layout`), which are digits and signs, and which
were cut from the glyph before them (touching: no space, and their squeezed
step is not usual).

Examples
--------
>>> spaces([0.0, 20.0, 40.0, 80.0, 100.0], [True] * 5, [False] * 5, [False] * 5, 30.0)
[False, False, False, True, False]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from topodigit.quantiles import median

#: Two glyphs are further apart than usual by this share of H: a space. Usual
#: is the line's digit pitch for two digits; a punctuation mark's advance is
#: unknown (narrow, or a whole cell in monospaced fonts), so beside one a space
#: shows as a step longer than a whole pitch (after a separator between digits,
#: a step across it longer than two: a monospaced comma sits left in its cell),
#: or, before a sign, as a step into the sign longer than the step out of it.
SPACE_EXCESS = 0.23
#: The largest digit pitch (anchor to anchor) believed, in H; fonts measured
#: span 0.73-0.92 H. A line with no two adjacent digits apart (none, or only
#: pairs cut from one glyph, whose step is squeezed) is taken to have this
#: pitch: a step is a space only when it is wider than any font's pitch allows.
MAX_PITCH = 0.95


def usual_step(steps: Sequence[float], excess: float) -> float:
    """The median step; but when the two middle steps differ by more than
    ``excess``, the longer holds a space (spaces only lengthen steps), so the
    shorter one is usual: three digits with a space between two have two steps.

    >>> usual_step([48.0, 71.0], 14.0), usual_step([44.0, 52.0], 14.0)
    (48.0, 48.0)
    """
    ordered = sorted(steps)
    low, high = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    return low if high - low > excess else (low + high) / 2


def spaces(anchors: Sequence[float], digit: Sequence[bool], sign: Sequence[bool],
           glued: Sequence[bool], height: float, *, signs_spaced: bool = True,
           widths: Sequence[float] | None = None) -> list[bool]:
    """Per glyph, whether a space comes before it.

    Parameters
    ----------
    anchors : sequence of float
        Each glyph's anchor column, left to right.
    digit, sign, glued : sequence of bool
        Which glyphs are digits, which are signs (``+ -``), and which were cut
        from the glyph before them.
    height : float
        The line's digit height in pixels.
    signs_spaced : bool
        A space before a sign also shows as a step into it longer than the step
        out of it (print; seven-segment signs sit in cells like digits).
    widths : sequence of float, optional
        Each glyph's ink width: a sign wider than the digits (a plus is up to
        1.3 digit advances) lengthens the step out of it by half the difference.

    Returns
    -------
    list of bool
    """
    step = np.diff(np.asarray(anchors, float))
    dd = [float(s) for k, s in enumerate(step) if digit[k] and digit[k + 1] and not glued[k + 1]]
    excess = SPACE_EXCESS * height
    pitch = min(usual_step(dd, excess), MAX_PITCH * height) if dd else MAX_PITCH * height
    digit_w = median([w for w, d in zip(widths, digit, strict=True) if d]) if (
        widths is not None and any(sign) and any(digit)) else 0.0
    out = [False] * len(anchors)
    for k in range(1, len(anchors)):
        s = float(step[k - 1])
        wide = max(0.0, widths[k - 1] - digit_w) / 2 if widths is not None and sign[k - 1] else 0.0
        space = s > pitch + excess + wide and not glued[k]
        # a separator between digits may take a whole cell (monospaced fonts, whose
        # comma sits left in it): the step across it must hold two pitches and more
        if space and k >= 2 and digit[k] and digit[k - 2] and not (digit[k - 1] or sign[k - 1]):
            space = float(anchors[k] - anchors[k - 2]) > 2 * pitch + excess
        # a sign starts a group: a space before it shows as a longer step in
        # than out (separators . , : are not spaced, and sit unevenly)
        if signs_spaced and sign[k] and k < len(step):
            space = space or s - float(step[k]) > excess
        out[k] = bool(space)
    return out


__all__ = ["MAX_PITCH", "SPACE_EXCESS", "spaces", "usual_step"]
