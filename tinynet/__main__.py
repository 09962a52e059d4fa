"""``python -m tinynet`` is the ``tinynet`` command."""
import sys

from .cli import main

sys.exit(main())
