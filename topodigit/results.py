"""Result objects: frozen dataclasses that every stage exchanges.

Coordinates are ``(row, col)``; boxes are half-open ``Box(top, left, bottom, right)``
in image pixels. Positions inside a glyph are normalised to its box: ``0.0`` is the
top (or left) edge, ``1.0`` the bottom (or right) edge. ``x, y, w, h`` appear only in
exported dictionaries.

Examples
--------
>>> b = Box(2, 3, 12, 9)
>>> b.height, b.width
(10, 6)
>>> b.to_dict()["w"]
6
>>> Reading.from_dict(Reading(lines=(), shape=(5, 5)).to_dict()).text
''
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

UNREADABLE = "?"

T = TypeVar("T")


@dataclass(frozen=True)
class Box:
    """Half-open pixel box ``[top, bottom) x [left, right)``."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    def union(self, other: Box) -> Box:
        """Smallest box holding both boxes."""
        return Box(
            min(self.top, other.top),
            min(self.left, other.left),
            max(self.bottom, other.bottom),
            max(self.right, other.right),
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "top": self.top, "left": self.left, "bottom": self.bottom, "right": self.right,
            "x": self.left, "y": self.top, "w": self.width, "h": self.height,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Box:
        return cls(int(d["top"]), int(d["left"]), int(d["bottom"]), int(d["right"]))


@dataclass(frozen=True)
class Hole:
    """A significant hole: its centre (normalised row/col) and area / glyph box area."""

    row: float
    col: float
    area: float
    top: float = 0.0
    bottom: float = 0.0


@dataclass(frozen=True)
class Bay:
    """A concavity: part of the convex hull not covered by ink (or holes).

    ``side`` is the direction the bay opens to (``left``, ``right``, ``top``,
    ``bottom``) and ``angle`` that direction in degrees (0 right, 90 up, 180 left,
    270 down); ``area`` is its area divided by the hull area; ``row``/``col`` its
    centre and ``top``/``bottom`` its extent, normalised to the glyph box.
    """

    side: str
    area: float
    row: float
    col: float
    top: float
    bottom: float
    angle: float = 0.0


class Deferred(Generic[T]):
    """A field value computed when it is first read: ``compute()`` is called once.

    Measuring a glyph gives some :class:`Topology` fields this way (the
    skeleton's), because the rules never read them.

    >>> t = Topology(height=40, width=20, stroke=Deferred(lambda: 0.25))
    >>> t.stroke, t == Topology(height=40, width=20, stroke=0.25)
    (0.25, True)
    """

    def __init__(self, compute: Callable[[], T]) -> None:
        self.compute = compute


class _MaybeDeferred(Generic[T]):
    """Dataclass field (a data descriptor) that also takes a :class:`Deferred`
    value and replaces it by its result at the first read."""

    def __init__(self, default: T) -> None:
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object | None, owner: Any = None) -> T:
        if obj is None:  # the class's default
            return self.default
        value = obj.__dict__[self.name]
        if isinstance(value, Deferred):
            value = value.compute()
            obj.__dict__[self.name] = value  # frozen to users, not to its own cache
        return value

    def __set__(self, obj: object, value: T | Deferred[T]) -> None:
        obj.__dict__[self.name] = value


@dataclass(frozen=True)
class Topology:
    """Shape facts about one glyph, measured on its normalised mask.

    ``endpoints``, ``junctions`` and ``stroke`` (the skeleton's facts) may be
    given as a :class:`Deferred`; they are then computed when first read.

    Examples
    --------
    >>> t = Topology(height=40, width=20)
    >>> t.n_holes, t.aspect
    (0, 0.5)
    """

    height: int
    width: int
    holes: tuple[Hole, ...] = ()
    endpoints: _MaybeDeferred[tuple[tuple[float, float], ...]] = _MaybeDeferred(())
    junctions: _MaybeDeferred[tuple[tuple[float, float], ...]] = _MaybeDeferred(())
    centroid: tuple[float, float] = (0.5, 0.5)
    bays: tuple[Bay, ...] = ()
    ink: float = 0.5
    stroke: _MaybeDeferred[float] = _MaybeDeferred(0.1)
    solidity: float = 0.5
    pieces: int = 1
    top_width: float = 1.0
    bottom_width: float = 1.0

    @property
    def n_holes(self) -> int:
        return len(self.holes)

    @property
    def aspect(self) -> float:
        """Width over height of the glyph box."""
        return self.width / max(self.height, 1)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with deferred fields computed (a :class:`Deferred` holds a function)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def bays_on(self, side: str, *, min_area: float = 0.0) -> tuple[Bay, ...]:
        """Bays opening to ``side`` with at least ``min_area`` of the hull."""
        return tuple(b for b in self.bays if b.side == side and b.area >= min_area)

    def to_dict(self) -> dict[str, Any]:
        return {
            "height": self.height, "width": self.width, "aspect": round(self.aspect, 4),
            "holes": [vars(h) for h in self.holes],
            "endpoints": [list(p) for p in self.endpoints],
            "junctions": [list(p) for p in self.junctions],
            "centroid": list(self.centroid),
            "bays": [vars(b) for b in self.bays],
            "ink": self.ink, "stroke": self.stroke, "solidity": self.solidity,
            "pieces": self.pieces, "top_width": self.top_width,
            "bottom_width": self.bottom_width,
        }


@dataclass(frozen=True)
class Verdict:
    """A classifier's decision on one glyph.

    ``char`` is :data:`UNREADABLE` (``"?"``) when no decision was possible;
    ``rule`` names the rule (or model) that decided; ``reason`` says why in words.
    """

    char: str
    confidence: float
    method: str
    rule: str
    reason: str
    candidates: tuple[str, ...] = ()

    @property
    def readable(self) -> bool:
        return self.char != UNREADABLE


@dataclass(frozen=True)
class Glyph:
    """One recognised glyph: where it is, what it is and why."""

    box: Box
    char: str
    confidence: float
    method: str
    rule: str
    reason: str
    candidates: tuple[str, ...] = ()
    topology: Topology | None = field(default=None, compare=False)
    #: A gap clearly wider than the line's usual spacing comes before this glyph.
    space_before: bool = False

    @property
    def readable(self) -> bool:
        return self.char != UNREADABLE

    @classmethod
    def from_verdict(cls, box: Box, verdict: Verdict, *, topology: Topology | None = None,
                     space_before: bool = False) -> Glyph:
        """The glyph in ``box`` that ``verdict`` decided."""
        return cls(box=box, char=verdict.char, confidence=verdict.confidence,
                   method=verdict.method, rule=verdict.rule, reason=verdict.reason,
                   candidates=verdict.candidates, topology=topology, space_before=space_before)

    def to_dict(self) -> dict[str, Any]:
        return {
            "char": self.char, "box": self.box.to_dict(),
            "confidence": round(float(self.confidence), 4), "method": self.method,
            "rule": self.rule, "reason": self.reason, "candidates": list(self.candidates),
            "space_before": self.space_before,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Glyph:
        return cls(
            box=Box.from_dict(d["box"]), char=str(d["char"]),
            confidence=float(d["confidence"]), method=str(d["method"]), rule=str(d["rule"]),
            reason=str(d["reason"]), candidates=tuple(d.get("candidates", ())),
            space_before=bool(d.get("space_before", False)),
        )


@dataclass(frozen=True)
class Line:
    """A text line: glyphs in reading order (left to right)."""

    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join((" " if g.space_before else "") + g.char for g in self.glyphs)

    @property
    def box(self) -> Box | None:
        if not self.glyphs:
            return None
        out = self.glyphs[0].box
        for g in self.glyphs[1:]:
            out = out.union(g.box)
        return out

    def to_dict(self) -> dict[str, Any]:
        box = self.box
        return {
            "text": self.text,
            "box": box.to_dict() if box else None,
            "glyphs": [g.to_dict() for g in self.glyphs],
        }


@dataclass(frozen=True)
class Reading:
    """Everything read from one image: lines top to bottom, glyphs left to right."""

    lines: tuple[Line, ...]
    shape: tuple[int, int]
    polarity: str = "dark-on-light"
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Lines joined by ``"\\n"``; unreadable glyphs appear as ``"?"``."""
        return "\n".join(line.text for line in self.lines)

    @property
    def glyphs(self) -> tuple[Glyph, ...]:
        return tuple(g for line in self.lines for g in line.glyphs)

    @property
    def unreadable(self) -> int:
        """Number of glyphs no classifier could decide."""
        return sum(1 for g in self.glyphs if not g.readable)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (plain str/int/float/list/dict only)."""
        return {
            "text": self.text,
            "shape": [int(self.shape[0]), int(self.shape[1])],
            "polarity": self.polarity,
            "notes": list(self.notes),
            "lines": [line.to_dict() for line in self.lines],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reading:
        lines = tuple(
            Line(tuple(Glyph.from_dict(g) for g in ld["glyphs"])) for ld in d.get("lines", [])
        )
        shape = (int(d["shape"][0]), int(d["shape"][1]))
        return cls(lines=lines, shape=shape, polarity=str(d.get("polarity", "dark-on-light")),
                   notes=tuple(d.get("notes", ())))


__all__ = ["UNREADABLE", "Bay", "Box", "Deferred", "Glyph", "Hole", "Line", "Reading", "Topology",
           "Verdict"]
