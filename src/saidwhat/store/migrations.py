"""The store's schema, as numbered migrations recorded in ``PRAGMA user_version``.

Each migration runs in one transaction with the version bump, so a store is
always at exactly one version. Add a migration at the end; never edit a
released one.
"""

from __future__ import annotations

import sqlite3

from saidwhat.errors import StoreError

_V1 = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,              -- first 16 hex digits of text_key
    text_key TEXT NOT NULL UNIQUE,    -- sha256 of the normalised text: exact duplicates
    url TEXT UNIQUE,
    source_id TEXT,                   -- the id the input gave (file stem, JSONL id)
    path TEXT,
    title TEXT,
    author TEXT,
    outlet TEXT,
    published TEXT,                   -- ISO 8601 date or datetime
    language TEXT,
    attributed INTEGER NOT NULL,      -- 0 when the engine does not read the language
    text TEXT NOT NULL,
    signature BLOB NOT NULL,          -- MinHash of the text, for story clusters
    story_id TEXT NOT NULL,           -- id of the story's first stored article
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet);

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL
);
-- Lookup keys (full-name key, surname key, acronym) of each speaker.
CREATE TABLE speaker_keys (
    key TEXT NOT NULL,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    PRIMARY KEY (key, speaker_id)
) WITHOUT ROWID;
CREATE TABLE speaker_aliases (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    alias TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (speaker_id, alias)
) WITHOUT ROWID;
CREATE TABLE speaker_roles (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    role TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT,
    last_seen TEXT,
    PRIMARY KEY (speaker_id, role)
) WITHOUT ROWID;
-- Name keys of the other entities named where the speaker was: evidence for linking.
CREATE TABLE speaker_context (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    key TEXT NOT NULL,
    PRIMARY KEY (speaker_id, key)
) WITHOUT ROWID;

CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id),
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    local_id TEXT NOT NULL,           -- the speaker's id within the article ("s1")
    spans TEXT NOT NULL,              -- JSON [[start, end], ...]
    text TEXT NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_speaker ON mentions(speaker_id);

CREATE TABLE quote_clusters (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL                -- the wording that opened the cluster
);

CREATE TABLE attributions (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    content_spans TEXT NOT NULL,      -- JSON [[start, end], ...], offsets into articles.text
    cue TEXT,
    cue_spans TEXT,
    source TEXT,
    source_spans TEXT,
    speaker_id INTEGER REFERENCES speakers(id),
    speaker_name TEXT,                -- the article's name for the speaker, also for GROUPs
    speaker_type TEXT,
    confidence REAL NOT NULL,
    cluster_id INTEGER REFERENCES quote_clusters(id),
    quote TEXT                        -- the quoted words that were clustered
);
CREATE INDEX attributions_article ON attributions(article_id);
CREATE INDEX attributions_speaker ON attributions(speaker_id);
CREATE INDEX attributions_cluster ON attributions(cluster_id);

CREATE TABLE about (
    attribution_id INTEGER NOT NULL REFERENCES attributions(id),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    key TEXT NOT NULL
);
CREATE INDEX about_attribution ON about(attribution_id);
CREATE INDEX about_key ON about(key);

CREATE VIRTUAL TABLE attributions_fts USING fts5(content, source, speaker);
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text);
"""

# Indexes that let counts read an index instead of the tables: the speaker and cluster
# indexes also hold the article (a speaker's or a quote cluster's distinct articles, in
# speaker profiles, clusters and stats); statements by kind and articles by language (stats).
_V2 = """
CREATE INDEX attributions_speaker_article ON attributions(speaker_id, article_id);
CREATE INDEX attributions_cluster_article ON attributions(cluster_id, article_id);
DROP INDEX attributions_speaker;
DROP INDEX attributions_cluster;
CREATE INDEX attributions_kind ON attributions(kind);
CREATE INDEX articles_language ON articles(language, attributed);
"""

# Running totals kept as articles are added, so listings read a row per speaker or
# cluster instead of counting their statements (a cluster may have thousands).
_V3 = """
ALTER TABLE speakers ADD COLUMN statements INTEGER NOT NULL DEFAULT 0;
ALTER TABLE speakers ADD COLUMN articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE speakers ADD COLUMN first_seen TEXT;
ALTER TABLE speakers ADD COLUMN last_seen TEXT;
UPDATE speakers SET
    statements = (SELECT count(*) FROM attributions a WHERE a.speaker_id = speakers.id),
    articles = (SELECT count(DISTINCT a.article_id) FROM attributions a
                WHERE a.speaker_id = speakers.id),
    first_seen = (SELECT min(r.published) FROM attributions a
                  JOIN articles r ON r.id = a.article_id WHERE a.speaker_id = speakers.id),
    last_seen = (SELECT max(r.published) FROM attributions a
                 JOIN articles r ON r.id = a.article_id WHERE a.speaker_id = speakers.id);
CREATE INDEX speakers_statements ON speakers(statements DESC, name);

ALTER TABLE quote_clusters ADD COLUMN articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quote_clusters ADD COLUMN first_published TEXT;
UPDATE quote_clusters SET
    articles = (SELECT count(DISTINCT a.article_id) FROM attributions a
                WHERE a.cluster_id = quote_clusters.id),
    first_published = (SELECT min(r.published) FROM attributions a
                       JOIN articles r ON r.id = a.article_id
                       WHERE a.cluster_id = quote_clusters.id);
CREATE INDEX quote_clusters_articles ON quote_clusters(articles DESC, first_published);
"""

# The linker's indexes as postings (saidwhat.link.postings), so ingest keeps none in memory:
# link_keys maps (namespace, key) to items (articles.rowid for story bands, quote_variants.id
# for quote keys); quote_variants holds each distinct (cluster, normalised words). The keys are
# computed in Python, so the rows of a store migrated from version 3 are written by the store
# on its first writable open (``SQLiteStore._rebuild_link_keys``), told so by link_rebuild.
_V4 = """
CREATE TABLE quote_variants (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES quote_clusters(id),
    text TEXT NOT NULL,               -- the normalised words (quote_words), space-separated
    UNIQUE (cluster_id, text)
);
CREATE TABLE link_keys (
    namespace INTEGER NOT NULL,       -- saidwhat.link.postings.Namespace
    key INTEGER NOT NULL,             -- signed 64-bit hash
    item INTEGER NOT NULL,
    PRIMARY KEY (namespace, key, item)
) WITHOUT ROWID;
CREATE TABLE link_rebuild (pending INTEGER NOT NULL);
INSERT INTO link_rebuild (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM articles);
"""

# A quote cluster's reports by wording and outlet, kept as articles arrive: a cluster's
# totals and wordings read these few rows instead of its thousands of statements.
# ``outlet`` is '' for articles that name none (a WITHOUT ROWID key cannot be NULL).
_V5 = """
CREATE TABLE cluster_reports (
    cluster_id INTEGER NOT NULL REFERENCES quote_clusters(id),
    quote TEXT NOT NULL,
    outlet TEXT NOT NULL,
    reports INTEGER NOT NULL,
    first_published TEXT,
    first_statement INTEGER NOT NULL,
    PRIMARY KEY (cluster_id, quote, outlet)
) WITHOUT ROWID;
INSERT INTO cluster_reports
SELECT a.cluster_id, a.quote, coalesce(r.outlet, ''), count(*), min(r.published), min(a.id)
FROM attributions a JOIN articles r ON r.id = a.article_id
WHERE a.cluster_id IS NOT NULL
GROUP BY a.cluster_id, a.quote, coalesce(r.outlet, '');
"""

# What ``stats`` counts, kept as articles arrive (``SQLiteStore._count``): at a million
# statements the counts by kind and language and the distinct stories took 200 ms.
# ``name`` is the total ("articles", "statements", "stories", ...); ``key`` splits it
# ("language" by code, "kind" by kind, "outlet" by outlet; '' for a plain total).
# A statement's article date is kept on its row too (``published``), so that a quote
# cluster's first reports are the first entries of one index, however many reports it has.
# The names of unlinked sources ("officials") have an index of their own, which a search
# by speaker name reads instead of every statement. Statements newest first are an index
# too: a search walks it (testing each statement) when it matches many, and a date range
# is a range of it. The distinct names of what statements are about (``about_names``) are
# what a search by ``about`` matches, before it reads the statements of the names found.
# Each article's number of statements, with its date and outlet in one index, counts the
# statements of an outlet or a period without reading them.
_V6 = """
CREATE TABLE totals (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (name, key)
) WITHOUT ROWID;
INSERT INTO totals SELECT 'articles', '', count(*) FROM articles;
INSERT INTO totals SELECT 'attributed', '', count(*) FROM articles WHERE attributed;
INSERT INTO totals SELECT 'language', coalesce(language, '?'), count(*) FROM articles GROUP BY 2;
INSERT INTO totals SELECT 'outlet', outlet, count(*) FROM articles
    WHERE outlet IS NOT NULL GROUP BY 2;
INSERT INTO totals SELECT 'stories', '', count(DISTINCT story_id) FROM articles;
INSERT INTO totals SELECT 'republished', '', count(*) FROM (
    SELECT story_id FROM articles GROUP BY story_id HAVING count(*) > 1);
INSERT INTO totals SELECT 'statements', '', count(*) FROM attributions;
INSERT INTO totals SELECT 'kind', kind, count(*) FROM attributions GROUP BY 2;
INSERT INTO totals SELECT 'clusters', '', count(*) FROM quote_clusters WHERE articles > 1;

ALTER TABLE attributions ADD COLUMN published TEXT;
UPDATE attributions SET published = (
    SELECT r.published FROM articles r WHERE r.id = attributions.article_id);
CREATE INDEX attributions_cluster_published
    ON attributions(cluster_id, published IS NULL, published, id);
CREATE INDEX attributions_unlinked ON attributions(speaker_name) WHERE speaker_id IS NULL;
CREATE INDEX attributions_published ON attributions(published DESC, id);

CREATE TABLE about_names (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO about_names SELECT DISTINCT name FROM about;
CREATE INDEX about_name ON about(name, attribution_id);

ALTER TABLE articles ADD COLUMN statements INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET statements = (
    SELECT count(*) FROM attributions a WHERE a.article_id = articles.id);
CREATE INDEX articles_published_outlet ON articles(published, outlet, statements);
"""

# Each statement carries its article's outlet too (as in PostgreSQL's migration 2; articles
# are never updated), so that a search by outlet tests the statement's own row, and the
# statements of one outlet newest first are one index: an outlet's page at any offset, and
# an outlet's period, are read from it without touching the articles. The statements of
# each outlet are a running total (``outlet_statements``), so an outlet's count reads a row.
# A speaker's statements by kind and date are an index too: a search of a speaker's words
# intersects the speaker's statements of that kind and period (read from this index alone)
# with the words' matches, without reading a statement row.
_V7 = """
ALTER TABLE attributions ADD COLUMN outlet TEXT;
UPDATE attributions SET outlet = (
    SELECT r.outlet FROM articles r WHERE r.id = attributions.article_id);
CREATE INDEX attributions_outlet_published ON attributions(outlet, published DESC, id);
CREATE INDEX attributions_speaker_kind_published ON attributions(speaker_id, kind, published);
INSERT INTO totals SELECT 'outlet_statements', outlet, count(*) FROM attributions
    WHERE outlet IS NOT NULL GROUP BY 2;
"""

# The linker's new postings go to a log (a rowid table, written in order) and are merged
# into link_keys in key order now and then (saidwhat.store.sqlite_postings); link_state
# counts the merges, so a connection that indexed the log in memory sees it emptied.
# articles_fts goes: no query ever read it, and every article's whole text was tokenised
# into it (and copied: it was not an external-content table).
_V8 = """
DROP TABLE articles_fts;
CREATE TABLE link_keys_log (
    namespace INTEGER NOT NULL,
    key INTEGER NOT NULL,
    item INTEGER NOT NULL
);
CREATE TABLE link_state (merges INTEGER NOT NULL);
INSERT INTO link_state (merges) VALUES (0);
"""

# The postings log keeps one row per item, its (namespace, key) pairs packed in a BLOB
# (saidwhat.store.sqlite_postings.pack): one insert per quote variant or article instead of
# some 70, and a writer reads the log into memory as arrays, not row by row. The old log
# is merged into link_keys first (and the merge counted, so no connection keeps it).
_V9 = """
UPDATE link_state SET merges = merges + 1 WHERE EXISTS (SELECT 1 FROM link_keys_log);
INSERT OR IGNORE INTO link_keys
    SELECT namespace, key, item FROM link_keys_log ORDER BY 1, 2, 3;
DROP TABLE link_keys_log;
CREATE TABLE link_keys_log (
    item INTEGER NOT NULL,
    postings BLOB NOT NULL            -- (namespace, key) pairs, int64 little-endian
);
"""

#: The migrations, in order; the store's version is the number applied.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9)


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the store at ``conn`` to the latest schema; return the version it was at.

    Each migration runs in one transaction with its version bump, and the version is
    read again once the write lock is held: two processes opening an old store at
    once apply each migration once.
    """
    before = version(conn)
    _refuse_newer(before)
    for number, script in enumerate(MIGRATIONS, start=1):
        if number <= before:
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            current = version(conn)
            _refuse_newer(current)
            if current < number:
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise StoreError(f"migration {number} failed: {exc}") from exc
    return before


def _refuse_newer(found: int) -> None:
    if found > len(MIGRATIONS):
        raise StoreError(
            f"the store has schema version {found}, newer than this saidwhat "
            f"({len(MIGRATIONS)}): upgrade saidwhat"
        )


def _statements(script: str) -> list[str]:
    """The SQL statements of a migration script, one by one (``executescript`` would
    commit the open transaction first)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in pending.splitlines()
    ):
        raise ValueError(f"incomplete SQL at the end of a migration: {pending.strip()[:60]}")
    return statements
