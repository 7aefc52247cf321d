"""Accuracy and speed of topodigit on the committed fixtures.

Reads every image listed in ``fixtures/manifest.json``, compares the text with
the ground truth and prints digit accuracy per font and per height, plus the
median milliseconds per image (whole ``read()``, image already in memory).

Digit accuracy counts, per line, the truth's digits minus the edit distance
between the reading and the truth, so a missed, extra or wrong glyph each cost one.

Usage::

    python benchmarks/accuracy.py [--fixtures fixtures] [--kind single|sheet|all]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import topodigit
from topodigit.metrics import score


def run(root: Path, kind: str) -> dict[str, list]:
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
        rows.append((item, ok, total, ms, reading.text))
    return {"rows": rows}


def table(rows: list, key: str, title: str) -> list[str]:
    acc: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    times: dict[object, list[float]] = defaultdict(list)
    for item, ok, total, ms, _ in rows:
        acc[item[key]][0] += ok
        acc[item[key]][1] += total
        times[item[key]].append(ms)
    out = [f"| {title} | digits | correct | accuracy | median ms/image |",
           "|---|---:|---:|---:|---:|"]
    for k in sorted(acc, key=lambda v: (str(type(v)), v)):
        ok, total = acc[k]
        out.append(f"| {k} | {total} | {ok} | {100 * ok / max(total, 1):.2f}% | "
                   f"{statistics.median(times[k]):.1f} |")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fixtures", type=Path, default=Path(__file__).parent.parent / "fixtures")
    p.add_argument("--kind", choices=["single", "sheet", "all"], default="all")
    p.add_argument("--failures", action="store_true", help="list the misread images")
    args = p.parse_args(argv)
    rows = run(args.fixtures, args.kind)["rows"]
    print("\n".join(table(rows, "height", "height px")))
    print()
    print("\n".join(table(rows, "font", "font")))
    print()
    print("\n".join(table(rows, "kind", "image kind")))
    big = [r for r in rows if r[0]["height"] >= 20]
    small = [r for r in rows if r[0]["height"] < 20]
    for name, part in (("height >= 20 px", big), ("height < 20 px", small), ("all", rows)):
        ok, total = sum(r[1] for r in part), sum(r[2] for r in part)
        print(f"{name}: {ok}/{total} digits = {100 * ok / max(total, 1):.2f}%")
    if args.failures:
        for item, ok, total, _, text in rows:
            if ok < total:
                print(f"FAIL {item['path']}: read {text!r} want {item['text']!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
