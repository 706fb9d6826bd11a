"""What the trained models did: measurements on their traces and outputs, no plotting.

The book's figures (:mod:`ntmlib.book.figures`) draw these; the analyses themselves import
nothing above :mod:`ntmlib.tasks`, :mod:`ntmlib.evaluate` and :mod:`ntmlib.zoo`.
"""
from .arrays import sigmoid, to_numpy, used_locations

__all__ = ["sigmoid", "to_numpy", "used_locations"]
