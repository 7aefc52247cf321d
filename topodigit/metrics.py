"""Scoring a reading against ground truth (for tests, benchmarks and comparisons).

Examples
--------
>>> edit_distance("1234", "1284")
1
>>> score("12\\n34", "12\\n345")
(4, 5)
"""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two short strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def score(text: str, truth: str) -> tuple[int, int]:
    """(correct characters, characters in the truth), compared line by line.

    Each line scores its length minus the edit distance to the truth line, so a
    missed, extra or wrong glyph costs one; extra lines cost their length.
    """
    got, want = text.split("\n"), truth.split("\n")
    got += [""] * (len(want) - len(got))
    correct = sum(max(0, len(w) - edit_distance(got[i], w)) for i, w in enumerate(want))
    extra = sum(len(g) for g in got[len(want):])
    return max(0, correct - extra), sum(len(w) for w in want)


__all__ = ["edit_distance", "score"]
