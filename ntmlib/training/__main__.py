"""``python -m ntmlib.training``: train one model (``--help`` lists the settings)."""
import sys

from . import main

sys.exit(main())
