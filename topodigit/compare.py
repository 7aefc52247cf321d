"""Compare classifiers on labelled images: rules, KNN (raw pixels, HOG) and hybrid.

Every image is read once per classifier with :func:`topodigit.read`; only
``ReaderConfig.classifier`` / ``features`` change, so all share one segmentation.
That is checked: the glyph boxes of every classifier must be those of the first,
and images where they differ are listed in :attr:`Comparison.mismatched`.

Per classifier it counts characters correct (:func:`topodigit.metrics.score`),
images read exactly, a per-digit confusion matrix (truth rows ``0``-``9``; read
columns ``0``-``9``, ``?`` unreadable, ``other`` a non-digit, ``missing`` no
glyph, from an edit-distance alignment of each line), extra glyphs, who decided
(``Glyph.method``), milliseconds per image (the whole ``read()``, image in
memory), and accuracy per glyph size and per recorded condition.

Examples
--------
>>> align("1284", "1234")
[('1', '1'), ('2', '2'), ('8', '3'), ('4', '4')]
>>> align("124", "1234")
[('1', '1'), ('2', '2'), (None, '3'), ('4', '4')]
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from topodigit.dataset import Sample
from topodigit.errors import BadArgumentError, TopodigitError
from topodigit.io import load_image
from topodigit.metrics import score
from topodigit.pipeline import ReaderConfig, read
from topodigit.results import UNREADABLE, Reading

#: Classifier names and the ReaderConfig fields that select them.
CLASSIFIERS: dict[str, dict[str, str]] = {
    "rules": {"classifier": "rules"},
    "knn-raw": {"classifier": "knn", "features": "raw"},
    "knn-hog": {"classifier": "knn", "features": "hog"},
    "hybrid": {"classifier": "hybrid"},
}
DIGITS = "0123456789"
#: Confusion columns after the ten digits.
UNREAD, OTHER, MISSING = UNREADABLE, "other", "missing"
COLUMNS = (*DIGITS, UNREAD, OTHER, MISSING)
#: Measured glyph heights (pixels) are grouped at these lower bounds.
SIZE_BINS = (8, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192)

Progress = Callable[[int, int, str], None]


def align(read_text: str, truth: str) -> list[tuple[str | None, str | None]]:
    """Pair the characters of one read line with the truth line's (edit-distance alignment).

    Returns ``(read, truth)`` pairs in order; ``None`` on the read side is a
    missed character, on the truth side an extra one.
    """
    n, m = len(read_text), len(truth)
    cost = np.zeros((n + 1, m + 1), np.int32)
    cost[:, 0], cost[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i, j] = min(cost[i - 1, j] + 1, cost[i, j - 1] + 1,
                             cost[i - 1, j - 1] + (read_text[i - 1] != truth[j - 1]))
    pairs: list[tuple[str | None, str | None]] = []
    i, j = n, m
    while i or j:
        if i and j and cost[i, j] == cost[i - 1, j - 1] + (read_text[i - 1] != truth[j - 1]):
            pairs.append((read_text[i - 1], truth[j - 1]))
            i, j = i - 1, j - 1
        elif j and cost[i, j] == cost[i, j - 1] + 1:
            pairs.append((None, truth[j - 1]))
            j -= 1
        else:
            pairs.append((read_text[i - 1], None))
            i -= 1
    return pairs[::-1]


def size_group(height: float) -> int:
    """Lower bound of the :data:`SIZE_BINS` bin holding a measured glyph height.

    >>> size_group(30), size_group(5)
    (24, 8)
    """
    return max([b for b in SIZE_BINS if b <= height], default=SIZE_BINS[0])


@dataclass
class Tally:
    """Counts for one classifier over some images."""

    images: int = 0
    correct: int = 0
    total: int = 0
    exact: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def exact_rate(self) -> float:
        return self.exact / self.images if self.images else 0.0

    def add(self, text: str, truth: str) -> None:
        ok, total = score(text, truth)
        self.images += 1
        self.correct += ok
        self.total += total
        self.exact += text == truth


@dataclass
class ClassifierResult:
    """Everything counted for one classifier."""

    name: str
    tally: Tally = field(default_factory=Tally)
    confusion: np.ndarray = field(
        default_factory=lambda: np.zeros((len(DIGITS), len(COLUMNS)), np.int64))
    extra: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    ms: list[float] = field(default_factory=list)
    by_size: dict[int, Tally] = field(default_factory=dict)
    by_condition: dict[str, Tally] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # name, read, truth

    @property
    def median_ms(self) -> float:
        return float(np.median(self.ms)) if self.ms else 0.0

    @property
    def mean_ms(self) -> float:
        return float(np.mean(self.ms)) if self.ms else 0.0

    def add(self, sample: Sample, reading: Reading, ms: float, size: int | None) -> None:
        text = reading.text
        self.tally.add(text, sample.text)
        self.ms.append(ms)
        self.methods.update(g.method for g in reading.glyphs)
        if size is not None:
            self.by_size.setdefault(size, Tally()).add(text, sample.text)
        condition = sample.facts.get("condition")
        if isinstance(condition, str):
            self.by_condition.setdefault(condition, Tally()).add(text, sample.text)
        if text != sample.text:
            self.failures.append((sample.name, text, sample.text))
        got, want = text.split("\n"), sample.text.split("\n")
        got += [""] * (len(want) - len(got))
        self.extra += sum(len(line) for line in got[len(want):])
        for g_line, w_line in zip(got, want, strict=False):
            for r, t in align(g_line, w_line):
                if t is None:
                    self.extra += 1
                elif t in DIGITS:
                    col = MISSING if r is None else r if r in COLUMNS[:-2] else OTHER
                    self.confusion[DIGITS.index(t), COLUMNS.index(col)] += 1


@dataclass
class Comparison:
    """The results of :func:`compare`: one :class:`ClassifierResult` per classifier."""

    results: list[ClassifierResult]
    images: int
    #: Images whose glyph boxes differed between classifiers (should be none).
    mismatched: list[str] = field(default_factory=list)
    #: Sizes are digit heights recorded by the dataset (else measured box heights).
    sizes_recorded: bool = True
    #: Images that could not be loaded (name, error); they are not counted.
    unloadable: list[tuple[str, str]] = field(default_factory=list)


def configs(names: Sequence[str], *, base: ReaderConfig | None = None,
            model: object = None) -> dict[str, ReaderConfig]:
    """The ReaderConfig of each named classifier (see :data:`CLASSIFIERS`).

    >>> sorted(configs(["rules", "hybrid"]))
    ['hybrid', 'rules']
    """
    base = base or ReaderConfig()
    known = {f.name for f in fields(ReaderConfig)}
    out = {}
    for name in names:
        if name not in CLASSIFIERS:
            raise BadArgumentError(f"unknown classifier {name!r}; choose from "
                                   f"{', '.join(CLASSIFIERS)}")
        options: dict[str, object] = dict(CLASSIFIERS[name])
        if model is not None and name != "rules":
            options["model"] = model
        if not set(options) <= known:
            raise BadArgumentError(f"classifier {name!r} needs KNN support in ReaderConfig")
        out[name] = ReaderConfig(**{**{f.name: getattr(base, f.name) for f in fields(base)},
                                    **options})
    return out


def compare(samples: Sequence[Sample], names: Sequence[str] = tuple(CLASSIFIERS), *,
            base: ReaderConfig | None = None, model: object = None,
            progress: Progress | None = None) -> Comparison:
    """Read every sample with every classifier and count the results.

    Parameters
    ----------
    samples : sequence of Sample
        From :func:`topodigit.dataset.load` or :func:`topodigit.dataset.generate`.
    names : sequence of str
        Classifiers (keys of :data:`CLASSIFIERS`), in report order.
    base : ReaderConfig, optional
        Options shared by all classifiers (ink, font, ...).
    model : path or knn.Model, optional
        KNN templates for the classifiers that use KNN (default: built-in).
    progress : callable, optional
        Called as ``progress(done, total, name)`` after each image.
    """
    cfgs = configs(names, base=base, model=model)
    results = {n: ClassifierResult(n) for n in cfgs}
    recorded = all(s.height is not None for s in samples)
    out = Comparison(list(results.values()), len(samples), sizes_recorded=recorded)
    for done, sample in enumerate(samples, 1):
        try:
            gray = load_image(sample.path)
        except TopodigitError as exc:
            out.unloadable.append((sample.name, str(exc)))
            out.images -= 1
        else:
            if done == len(out.unloadable) + 1:  # the first image: warm up, untimed
                for cfg in cfgs.values():  # (templates are loaded on first use)
                    read(gray, config=cfg)
            _read_one(gray, sample, cfgs, results, out)
        if progress is not None:
            progress(done, len(samples), sample.name)
    return out


def _read_one(gray: np.ndarray, sample: Sample, cfgs: dict[str, ReaderConfig],
              results: dict[str, ClassifierResult], out: Comparison) -> None:
    """Read one image with every classifier, check the boxes agree and count."""
    readings, times = {}, {}
    for name, cfg in cfgs.items():
        start = time.perf_counter()
        readings[name] = read(gray, config=cfg)
        times[name] = (time.perf_counter() - start) * 1000.0
    boxes = [tuple(g.box for g in r.glyphs) for r in readings.values()]
    if any(b != boxes[0] for b in boxes[1:]):
        out.mismatched.append(sample.name)
    size = sample.height if out.sizes_recorded else _measured_size(readings[next(iter(cfgs))])
    for name, reading in readings.items():
        results[name].add(sample, reading, times[name], size)


def _measured_size(reading: Reading) -> int | None:
    heights = [g.box.height for g in reading.glyphs if g.char in DIGITS or g.char == UNREAD]
    return size_group(float(np.median(heights))) if heights else None


__all__ = ["CLASSIFIERS", "COLUMNS", "DIGITS", "ClassifierResult", "Comparison", "Tally",
           "align", "compare", "configs", "size_group"]
