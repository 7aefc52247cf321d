"""topodigit: read printed digits by their shape, without training.

Examples
--------
>>> import numpy as np, topodigit
>>> topodigit.read(np.full((20, 20), 255, np.uint8)).text
''
"""

from topodigit.errors import BadArgumentError, BadImageError, BadModelError, TopodigitError
from topodigit.io import load_image
from topodigit.pipeline import ReaderConfig, read
from topodigit.render import annotate
from topodigit.results import UNREADABLE, Bay, Box, Glyph, Hole, Line, Reading, Topology, Verdict

__version__ = "0.1.0"

__all__ = [
    "UNREADABLE",
    "BadArgumentError",
    "BadImageError",
    "BadModelError",
    "Bay",
    "Box",
    "Glyph",
    "Hole",
    "Line",
    "ReaderConfig",
    "Reading",
    "TopodigitError",
    "Topology",
    "Verdict",
    "__version__",
    "annotate",
    "load_image",
    "read",
]
