"""Every error saidwhat raises on purpose. Messages say what to do next."""


class SaidwhatError(Exception):
    """Root of saidwhat's errors."""


class InputError(SaidwhatError):
    """An input could not be read as an article (empty, binary, undecodable, no main text)."""


class TooLargeError(InputError):
    """An input is larger than the per-document size limit."""


class BudgetError(SaidwhatError):
    """An extraction ran out of the time it was given (the server's per-request budget)."""


class FileTooLargeError(InputError):
    """A file's content (decompressed) is larger than the per-file limit; the articles
    before the limit were read."""


class TooManyArticlesError(InputError):
    """A file holds more articles than the per-file limit; the first ones were read."""


class ModelError(SaidwhatError):
    """The language model or the shipped weights could not be loaded."""


class DatasetError(SaidwhatError):
    """An evaluation dataset is missing or malformed."""


class StoreError(SaidwhatError):
    """The corpus store cannot be opened or used (not a saidwhat store, newer schema, locked)."""


class NotFoundError(StoreError):
    """A requested article, speaker or quote cluster is not in the store."""


class ClusterError(SaidwhatError):
    """The Dask cluster ingest runs on cannot be reached, or went away during the run."""
