"""Views of the access app, grouped by the people who use them."""

from cairn.access.views.auth import locked_out

__all__ = ["locked_out"]
