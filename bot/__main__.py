"""``python -m bot`` is the ``deskhand`` command."""

from bot.cli import main

main()
