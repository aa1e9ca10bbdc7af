"""Attribute: find who said what in a parsed document.

The names of the attribution taggers live here, free of spaCy, for the CLI and settings:
``accurate`` (a fine-tuned transformer, the default) and ``fast`` (a CNN tagger, for bulk
ingest); ``attribute/component.py`` builds them.
"""

#: The taggers a user chooses from, and the default one.
TAGGER_NAMES: tuple[str, ...] = ("accurate", "fast")
DEFAULT_TAGGER = "accurate"
