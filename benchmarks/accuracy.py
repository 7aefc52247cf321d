"""Accuracy and speed of topodigit on the committed fixtures.

``--set clean`` (default) reads every image listed in ``fixtures/manifest.json``,
compares the text with the ground truth and prints digit accuracy per font and
per height, plus the median milliseconds per image (whole ``read()``, image
already in memory).

``--set real`` reads ``fixtures/real/manifest.json`` (degraded one-line images,
see ``fixtures/README.md``) and prints, per condition, per height and for
seven-segment vs printed fonts: characters correct, the share of images read
exactly, the share of ``punct`` images (with punctuation/spaces) read exactly,
and the median milliseconds per image; then the real-world targets (every
condition and seven-segment at least 99 % of characters, 98 % of punctuation
images exact) over all conditions but the stress condition ``crowded``.

Accuracy counts, per line, the truth's characters minus the edit distance
between the reading and the truth, so a missed, extra or wrong glyph each cost one.

Usage::

    python benchmarks/accuracy.py [--set clean|real] [--fixtures fixtures]
                                  [--kind single|sheet|digits|punct|all] [--failures]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a source checkout

import topodigit
from topodigit.conditions import CONDITIONS
from topodigit.metrics import score


class Row(NamedTuple):
    item: dict  # the manifest record
    ok: int  # characters correct
    total: int  # characters in the truth
    ms: float  # milliseconds for read()
    text: str  # what was read


Column = tuple[str, Callable[[list[Row]], str]]  # (header, cell of a group of rows)


def run(root: Path, kind: str) -> list[Row]:
    """Read every image of ``root/manifest.json`` (of `kind`, or all) and score it."""
    manifest = json.loads((root / "manifest.json").read_text())
    rows = []
    for item in manifest:
        if kind != "all" and item["kind"] != kind:
            continue
        gray = topodigit.load_image(root / item["path"])
        start = time.perf_counter()
        reading = topodigit.read(gray)
        ms = (time.perf_counter() - start) * 1000
        ok, total = score(reading.text, item["text"])
        rows.append(Row(item, ok, total, ms, reading.text))
    return rows


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / max(whole, 1):.2f}%"


def _exact(rows: Sequence[Row]) -> str:
    if not rows:
        return "-"
    hits = sum(r.text == r.item["text"] for r in rows)
    return f"{_pct(hits, len(rows))} ({hits}/{len(rows)})"


CLEAN_COLUMNS: list[Column] = [
    ("digits", lambda rs: str(sum(r.total for r in rs))),
    ("correct", lambda rs: str(sum(r.ok for r in rs))),
    ("accuracy", lambda rs: _pct(sum(r.ok for r in rs), sum(r.total for r in rs))),
    ("median ms/image", lambda rs: f"{statistics.median(r.ms for r in rs):.1f}"),
]
REAL_COLUMNS: list[Column] = [
    ("images", lambda rs: str(len(rs))),
    ("chars correct/total", lambda rs: f"{sum(r.ok for r in rs)}/{sum(r.total for r in rs)}"),
    CLEAN_COLUMNS[2],
    ("exact images", _exact),
    ("exact punct images", lambda rs: _exact([r for r in rs if r.item["kind"] == "punct"])),
    CLEAN_COLUMNS[3],
]


def table(rows: list[Row], key: str | Callable[[dict], object], title: str,
          columns: Sequence[Column] = CLEAN_COLUMNS,
          order: Sequence[object] | None = None) -> list[str]:  # fmt: skip
    """Markdown table of `rows` grouped by a manifest field (or a function of the record).

    Groups are sorted by `order` when given (unknown values last), else by value.
    """
    get = (lambda item: item[key]) if isinstance(key, str) else key
    groups: dict[object, list[Row]] = defaultdict(list)
    for row in rows:
        groups[get(row.item)].append(row)
    rank = {v: i for i, v in enumerate(order or ())}
    out = [f"| {title} | " + " | ".join(h for h, _ in columns) + " |",
           "|---|" + "---:|" * len(columns)]  # fmt: skip
    for k in sorted(groups, key=lambda v: (rank.get(v, len(rank)), str(type(v)), v)):
        out.append(f"| {k} | " + " | ".join(cell(groups[k]) for _, cell in columns) + " |")
    return out


def report_clean(rows: list[Row]) -> None:
    print("\n".join(table(rows, "height", "height px")))
    print()
    print("\n".join(table(rows, "font", "font")))
    print()
    print("\n".join(table(rows, "kind", "image kind")))
    big = [r for r in rows if r.item["height"] >= 20]
    small = [r for r in rows if r.item["height"] < 20]
    for name, part in (("height >= 20 px", big), ("height < 20 px", small), ("all", rows)):
        ok, total = sum(r.ok for r in part), sum(r.total for r in part)
        print(f"{name}: {ok}/{total} digits = {100 * ok / max(total, 1):.2f}%")


def report_real(rows: list[Row]) -> None:
    def font_kind(item: dict) -> str:
        return "seven-segment" if item["seven_segment"] else "print"

    groupings: list[tuple[str | Callable[[dict], object], str, Sequence[object] | None]] = [
        ("condition", "condition", CONDITIONS),
        ("height", "height px", None),
        (font_kind, "font kind", None),
        ("kind", "image kind", None),
    ]
    for key, title, order in groupings:
        print("\n".join(table(rows, key, title, REAL_COLUMNS, order)))
        print()
    print("\n".join(table(rows, lambda _: "all", "all", REAL_COLUMNS)))
    print()
    print("\n".join(targets(rows)))


#: Stress conditions beyond the real-world targets: ``crowded`` squeezes every
#: glyph of a line into its neighbours (``touching`` joins only 1-2 pairs).
STRESS = ("crowded",)
#: The real-world targets: character accuracy in every condition and on
#: seven-segment fonts, and the share of punctuation images read exactly.
TARGET_CHARS = 0.99
TARGET_PUNCT_EXACT = 0.98


def targets(rows: list[Row]) -> list[str]:
    """Markdown table of the real-world targets over the non-stress conditions."""
    rows = [r for r in rows if r.item["condition"] not in STRESS]
    if not rows:
        return []

    def share(part: list[Row]) -> float:
        return sum(r.ok for r in part) / max(sum(r.total for r in part), 1)

    by: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by[row.item["condition"]].append(row)
    worst = min(by, key=lambda c: share(by[c]))
    seven = [r for r in rows if r.item["seven_segment"]]
    punct = [r for r in rows if r.item["kind"] == "punct"]
    exact = sum(r.text == r.item["text"] for r in punct) / max(len(punct), 1)
    checks = [
        (f"chars, worst condition ({worst})", share(by[worst]), TARGET_CHARS),
        ("chars, seven-segment", share(seven), TARGET_CHARS) if seven else None,
        ("punct images read exactly", exact, TARGET_PUNCT_EXACT) if punct else None,
    ]
    out = [f"| target (all conditions but {', '.join(STRESS)}) | measured | goal | met |",
           "|---|---:|---:|---|"]
    for check in checks:
        if check is not None:
            name, got, goal = check
            out.append(f"| {name} | {100 * got:.2f}% | {100 * goal:.0f}% | "
                       f"{'yes' if got >= goal else 'no'} |")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", dest="which", choices=["clean", "real"], default="clean",
                   help="fixture set: clean renderings or degraded real-world images")  # fmt: skip
    p.add_argument("--fixtures", type=Path, default=Path(__file__).parent.parent / "fixtures")
    kinds = ["single", "sheet", "digits", "punct", "all"]
    p.add_argument("--kind", choices=kinds, default="all",
                   help="single|sheet (clean set), digits|punct (real set) or all")  # fmt: skip
    p.add_argument("--failures", action="store_true", help="list the misread images")
    args = p.parse_args(argv)
    root = args.fixtures / "real" if args.which == "real" else args.fixtures
    rows = run(root, args.kind)
    if not rows:
        print(f"accuracy.py: no {args.kind} images in {root / 'manifest.json'}", file=sys.stderr)
        return 1
    (report_real if args.which == "real" else report_clean)(rows)
    if args.failures:
        for row in rows:
            if row.text != row.item["text"]:
                print(f"FAIL {row.item['path']}: read {row.text!r} want {row.item['text']!r}",
                      file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
