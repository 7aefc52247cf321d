"""A comparison as a Markdown report and PNG charts (see :mod:`topodigit.compare`).

Pure: :func:`markdown` returns text and :func:`figures` images (drawn by
:mod:`topodigit.plots`); the caller writes them.

Examples
--------
>>> from topodigit.compare import ClassifierResult, Comparison
>>> c = Comparison([ClassifierResult("rules")], images=0)
>>> summary_table(c).splitlines()[0].startswith("| classifier | images |")
True
>>> sorted(figures(c))
['accuracy-by-size.png', 'confusion-rules.png', 'ms-per-image.png']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from topodigit import plots
from topodigit.compare import COLUMNS, DIGITS, ClassifierResult, Comparison, Tally

#: Confusion column labels as drawn (narrow cells).
DRAWN_COLUMNS = (*DIGITS, "?", "oth", "mis")
HEATMAP_NOTE = "? unreadable, oth another character, mis no glyph"
#: How many misread images are listed per classifier, and how many confusions.
MAX_FAILURES = 15
MAX_CONFUSIONS = 10


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "-"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, first_left: bool = True
           ) -> str:
    align = ["---"] + ["---:"] * (len(header) - 1) if first_left else ["---:"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def summary_table(c: Comparison) -> str:
    """One row per classifier: accuracy, exact images, unreadable, extra, speed, deciders."""
    header = ["classifier", "images", "chars correct/total", "accuracy", "exact images",
              "unreadable digits", "extra glyphs", "median ms/image", "mean ms/image",
              "decided by"]
    rows = []
    for r in c.results:
        t = r.tally
        digits = int(r.confusion.sum())
        unread = int(r.confusion[:, COLUMNS.index("?")].sum())
        methods = ", ".join(f"{m} {n}" for m, n in r.methods.most_common())
        rows.append([r.name, str(t.images), f"{t.correct}/{t.total}", _pct(t.correct, t.total),
                     f"{_pct(t.exact, t.images)} ({t.exact}/{t.images})",
                     f"{unread}/{digits}", str(r.extra), f"{r.median_ms:.1f}",
                     f"{r.mean_ms:.1f}", methods or "-"])
    return _table(header, rows)


def _grouped(c: Comparison, groups: Callable[[ClassifierResult], dict], title: str,
             keys: Sequence) -> str:
    header = [title] + [f"{r.name} accuracy (exact)" for r in c.results]
    rows = []
    for key in keys:
        cells = [str(key)]
        for r in c.results:
            t: Tally | None = groups(r).get(key)
            cells.append(f"{_pct(t.correct, t.total)} ({t.exact}/{t.images})" if t else "-")
        rows.append(cells)
    return _table(header, rows)


def _size_keys(c: Comparison) -> list[int]:
    return sorted({k for r in c.results for k in r.by_size})


def _condition_keys(c: Comparison) -> list[str]:
    return sorted({k for r in c.results for k in r.by_condition})


def confusion_table(r: ClassifierResult) -> str:
    """The confusion matrix as Markdown (truth rows, read columns)."""
    rows = [[d, *(str(int(v)) for v in r.confusion[i])] for i, d in enumerate(DIGITS)]
    return _table(["truth \\ read", *COLUMNS], rows)


def top_confusions(r: ClassifierResult) -> list[tuple[str, str, int]]:
    """The most frequent (truth, read, count) errors, most frequent first."""
    errs = [(DIGITS[i], COLUMNS[j], int(r.confusion[i, j]))
            for i, j in zip(*np.nonzero(r.confusion), strict=True) if COLUMNS[j] != DIGITS[i]]
    return sorted(errs, key=lambda e: (-e[2], e[0], e[1]))[:MAX_CONFUSIONS]


def markdown(c: Comparison, *, dataset: str, figure_names: Sequence[str] = ()) -> str:
    """The whole report: summary, segmentation check, by size and condition, confusions."""
    names = ", ".join(r.name for r in c.results)
    skipped = ""
    if c.unloadable:
        skipped = (f" {len(c.unloadable)} image(s) could not be loaded and are not counted: "
                   + "; ".join(e for _, e in c.unloadable[:MAX_FAILURES]) + ".")
    out = [f"# topodigit comparison: {dataset}", "",
           f"{c.images} images, classifiers: {names}. Accuracy counts characters (digits, "
           "punctuation, spaces) per line: the truth's length minus the edit distance to "
           "what was read; *exact* images were read entirely right. Milliseconds are the "
           "whole `read()` per image, image in memory." + skipped, "", "## Summary", "",
           summary_table(c), "", "## Segmentation", ""]
    if c.mismatched:
        listed = ", ".join(c.mismatched[:MAX_FAILURES])
        out.append(f"**Glyph boxes differed between classifiers in {len(c.mismatched)} "
                   f"image(s)**: {listed}")
    else:
        out.append(f"All classifiers found the same glyph boxes in all {c.images} images "
                   "(one shared segmentation).")
    sizes = _size_keys(c)
    if sizes:
        what = ("digit height in px (recorded)" if c.sizes_recorded
                else "glyph height in px (measured, bin from)")
        out += ["", "## Accuracy by size", "", _grouped(c, lambda r: r.by_size, what, sizes)]
    conditions = _condition_keys(c)
    if conditions:
        out += ["", "## Accuracy by condition", "",
                _grouped(c, lambda r: r.by_condition, "condition", conditions)]
    out += ["", "## Confusion", "",
            "Rows: the true digit; columns: what was read (`?` unreadable, `other` a "
            "non-digit, `missing` no glyph). Characters are paired by an edit-distance "
            "alignment of each line."]
    for r in c.results:
        errs = ", ".join(f"{t}->{g} {n}" for t, g, n in top_confusions(r)) or "none"
        out += ["", f"### {r.name}", "", f"Most frequent errors: {errs}.", "",
                confusion_table(r)]
        if r.failures:
            out += ["", f"Misread images ({len(r.failures)}, first {MAX_FAILURES}):", ""]
            out += [f"- `{name}`: read `{got!r}`, truth `{want!r}`"
                    for name, got, want in r.failures[:MAX_FAILURES]]
    if figure_names:
        out += ["", "## Charts", ""] + [f"![{n}]({n})" for n in figure_names]
    return "\n".join(out) + "\n"


def figures(c: Comparison) -> dict[str, np.ndarray]:
    """PNG-ready charts by file name: a confusion heatmap per classifier, accuracy by
    size (and by condition when recorded), milliseconds per image."""
    out = {f"confusion-{r.name}.png": plots.heatmap(r.confusion, list(DIGITS), DRAWN_COLUMNS,
                                                    title=f"{r.name}: confusion",
                                                    note=HEATMAP_NOTE)
           for r in c.results}

    def series(groups: Callable[[ClassifierResult], dict], keys: Sequence
               ) -> dict[str, list[float | None]]:
        return {r.name: [100 * groups(r)[k].accuracy if k in groups(r) else None for k in keys]
                for r in c.results}

    sizes = _size_keys(c)
    xlabel = "digit height px" if c.sizes_recorded else "measured glyph height px (bin from)"
    out["accuracy-by-size.png"] = plots.bars([str(s) for s in sizes],
                                             series(lambda r: r.by_size, sizes),
                                             title="character accuracy by size", xlabel=xlabel)
    conditions = _condition_keys(c)
    if conditions:
        out["accuracy-by-condition.png"] = plots.bars(
            conditions, series(lambda r: r.by_condition, conditions),
            title="character accuracy by condition", xlabel="condition")
    out["ms-per-image.png"] = plots.bars(
        ["median", "mean"], {r.name: [r.median_ms, r.mean_ms] for r in c.results},
        title="milliseconds per image (whole read)", ylabel="ms", top=None, floor=0.0)
    return out


__all__ = ["confusion_table", "figures", "markdown", "summary_table", "top_confusions"]
