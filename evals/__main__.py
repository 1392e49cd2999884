"""``python -m evals``: the same as ``deskhand eval``."""

from evals.cli import main

main()
