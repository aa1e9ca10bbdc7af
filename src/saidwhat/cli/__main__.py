"""``python -m saidwhat.cli``: the ``saidwhat`` command."""

from saidwhat.cli import main

main()
