"""What the trained models did: measurements on their traces and outputs, no plotting.

- :mod:`.arrays`: tensors to numpy, the sigmoid, the memory locations a trace uses.
- :mod:`.recall`, :mod:`.ngrams`, :mod:`.priority`: what the NTM did on associative recall
  (§4.3), N-grams (§4.4) and priority sort (§4.5), the questions behind Figs 12, 15 and 17.
- :mod:`.sweeps`: several models evaluated across a task parameter (Figs 4, 5, 8, 11).
- :mod:`.beyond`: the measurements of chapter 12 and the zoo's training records.

The book's figures (:mod:`ntmlib.book.figures`) draw these; nothing here imports matplotlib.
"""
from .arrays import sigmoid, to_numpy, used_locations
from .content import content_weightings
from .beyond import beyond_dir, current_runs, load_beyond, zoo_table
from .ngrams import context_consistency, context_locations, context_string, ngram_contexts
from .priority import (priority_head_fits, priority_read_matches, priority_read_order, unwrap_locations,
                       write_location_fit)
from .recall import recall_read_sources
from .sweeps import sweep_generalisation

__all__ = ["beyond_dir", "content_weightings", "context_consistency", "context_locations", "context_string", "current_runs",
           "load_beyond", "ngram_contexts", "priority_head_fits", "priority_read_matches", "priority_read_order",
           "recall_read_sources", "sigmoid", "sweep_generalisation", "to_numpy",
           "unwrap_locations", "used_locations", "write_location_fit", "zoo_table"]
