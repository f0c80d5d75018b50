"""The divergence rule, now in the model layer (:mod:`widgets.models._escape`)."""

from ..models._escape import ESCAPE_FACTOR, escape_radius, first_escape

__all__ = ["ESCAPE_FACTOR", "escape_radius", "first_escape"]
