"""Typed errors raised by topodigit.

Every error a user can cause derives from :class:`TopodigitError`, so callers can
catch one class; the CLI maps it to exit code 2 and a single line on stderr.

Examples
--------
>>> from topodigit.errors import BadImageError, TopodigitError
>>> issubclass(BadImageError, TopodigitError)
True
"""

from __future__ import annotations


class TopodigitError(Exception):
    """Base class of every error topodigit raises for bad input."""


class BadImageError(TopodigitError, ValueError):
    """The image cannot be read or has an unusable shape, dtype or size."""


class BadArgumentError(TopodigitError, ValueError):
    """An option has a value outside its documented range."""


class BadModelError(TopodigitError, ValueError):
    """A model/template file is missing, corrupt or of a foreign format."""


__all__ = ["BadArgumentError", "BadImageError", "BadModelError", "TopodigitError"]
