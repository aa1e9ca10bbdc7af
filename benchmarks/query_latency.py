"""Latency of the corpus store's queries on a synthetic store of 100k+ statements.

The store is built without the NLP model: ``Document``s are made by hand from
templates (several hundred speakers with names and roles, a few outlets, dates over
a year, direct, indirect and mixed statements, quotes some of which recur across
articles, word for word or with a word changed, so quote clusters exist, and the
entities statements are ``about``) and go through the corpus linker and the store
as ``saidwhat ingest`` sends them (``CorpusLinker.link``, ``Store.add_article``, in
batches of ``corpus.BATCH_ARTICLES`` inside ``Store.writing``), on
either backend: ``--db`` takes a path (SQLite) or a ``postgresql://`` URL, as ``saidwhat``
does.

Then each query is run ``--repeat`` times with varied parameters (capped at
``--max-seconds`` per query) on a read-only connection, and its p50, p95 and maximum
latency are reported in milliseconds. ``quotes`` queries return a page of 50.

    .venv/bin/python benchmarks/query_latency.py [--statements 100000] [--db PATH|URL]
        [--repeat 200] [--max-seconds 30] [--seed 7] [--json PATH]

With ``--db`` an existing store is reused (not rebuilt); a missing or empty one is built
there and kept, and ``--build-only`` continues a smaller one (built by this script with the
same ``--seed``) to ``--statements``. Query parameters are drawn through the store's own
methods, so both backends are timed on the same kind of requests.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import machine  # noqa: E402

from saidwhat.corpus import BATCH_ARTICLES  # noqa: E402
from saidwhat.errors import NotFoundError  # noqa: E402
from saidwhat.link.linker import CorpusLinker, with_link_keys  # noqa: E402
from saidwhat.link.stories import text_key  # noqa: E402
from saidwhat.model import Attribution, Document, EntityRef, Speaker, TextSpan  # noqa: E402
from saidwhat.store import QuoteFilter, Store, open_store  # noqa: E402
from saidwhat.store.urls import store_file  # noqa: E402


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of ``text``."""
    return tuple(text.split())


#: The latency goal of the issue, in milliseconds (p95).
GOAL_MS = 50.0
OUTLETS = (
    ("Reuters", 5),
    ("Associated Press", 5),
    ("VOA", 4),
    ("BBC News", 3),
    ("Al Jazeera", 2),
    ("The Guardian", 2),
    ("NPR", 1),
    ("France 24", 1),
)
FIRST = words(
    "Anna Maria Jonas Helena Daniel Sofia Omar Leila Pavel Irina Kenji Yuki Carlos Lucia "
    "Ahmed Fatima Thomas Clara Mateo Elena Samuel Nadia Viktor Olga Rahul Priya Tariq Amara "
    "Felix Ingrid Jorge Beatriz Hassan Mariam Lars Astrid Wei Mei Kwame Abena"
)
SYLLABLES = words(
    "ka ro va len mar sto bri dan vel tor ni sa ber lin go mez an ski ha ru fer ta mon del "
    "vik por lu cas bra sk ov it na mi zu ra ke"
)
ROLES = (
    "foreign minister",
    "defense minister",
    "finance minister",
    "prime minister",
    "government spokesperson",
    "senator",
    "governor",
    "mayor",
    "chief executive",
    "central bank governor",
    "union leader",
    "ambassador to the United Nations",
    "opposition leader",
    "health minister",
    "police chief",
    "professor of economics",
)
ORG_WORDS = words(
    "Institute Council Ministry Agency Alliance Federation Commission Bank Union Foundation"
)
PLACES = words(
    "Ukraine Russia China India Brazil Nigeria Kenya Mexico Germany France Japan Iran Israel "
    "Gaza Syria Turkey Poland Canada Egypt Ethiopia Sudan Venezuela Pakistan Indonesia "
    "Argentina Colombia Chile Peru Vietnam Philippines Australia Spain Italy Greece Norway"
)
ORGS_ABOUT = (
    "NATO",
    "the United Nations",
    "the European Union",
    "the World Health Organization",
    "the International Monetary Fund",
    "the World Bank",
    "the African Union",
    "OPEC",
    "the Red Cross",
    "the Supreme Court",
    "Congress",
    "the Pentagon",
)
VOCAB = words(
    "we will not accept any deal that leaves our workers behind the government must act now "
    "to protect families from rising prices this is a historic day for our country people "
    "deserve better than empty promises and we are ready to talk but not under threat our "
    "economy is strong and growing despite the storm inflation will come down next year the "
    "ceasefire must hold so aid can reach civilians in need there is no military solution to "
    "this conflict only a political one we have been clear from the start that sanctions "
    "will stay until troops withdraw the vote shows that voters want change and we heard "
    "them loud and clear nobody is above the law and the investigation will continue "
    "climate change is the defining challenge of our time and we cannot wait schools "
    "hospitals roads and bridges need investment after years of neglect the border remains "
    "open for trade but closed to smuggling talks were constructive and will resume next "
    "week our farmers cannot survive another season of drought without support the "
    "election was free and fair according to observers the new law threatens press "
    "freedom and must be withdrawn refugees are fleeing violence and need protection "
    "markets reacted calmly to the decision of the central bank"
)
VERBS = ("said", "told reporters", "said in a statement", "told lawmakers", "wrote on X")
INDIRECT = (
    "the talks would resume next week",
    "the government planned to raise interest rates",
    "troops had withdrawn from the border town",
    "the ministry was investigating the allegations",
    "aid deliveries would increase in the coming days",
    "the deal was close but not yet signed",
    "prices were expected to fall by the end of the year",
    "the election results would be challenged in court",
)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    type: str
    role: str | None

    @property
    def short(self) -> str:
        return self.name.split()[-1] if self.type == "PERSON" else self.name


@dataclass(slots=True)
class Timing:
    """The latencies of one query, in milliseconds."""

    query: str
    runs: int
    p50: float
    p95: float
    max: float
    rows: float  # mean rows returned (or the count, for counts)

    @property
    def meets_goal(self) -> bool:
        return self.p95 < GOAL_MS


class Corpus:
    """The synthetic corpus's vocabulary: speakers, outlets, quotes, ``about`` entities."""

    def __init__(self, rng: random.Random, speakers: int = 600, famous: int = 3000) -> None:
        self.rng = rng
        surnames: list[str] = []
        seen: set[str] = set()
        while len(surnames) < speakers:
            name = "".join(rng.sample(SYLLABLES, rng.choice((2, 3)))).capitalize()
            if name not in seen and len(name) >= 4:
                seen.add(name)
                surnames.append(name)
        people = [
            Person(f"{rng.choice(FIRST)} {s}", "PERSON", rng.choice(ROLES))
            for s in surnames[: speakers * 9 // 10]
        ]
        orgs = [
            Person(f"{s} {rng.choice(ORG_WORDS)}", "ORG", None) for s in surnames[len(people) :]
        ]
        self.speakers = people + orgs
        # Zipf-like: a few speakers are quoted far more often than most.
        self.speaker_weights = [1 / (i + 1) ** 0.8 for i in range(len(self.speakers))]
        self.about = [(p, "GPE") for p in PLACES] + [(o, "ORG") for o in ORGS_ABOUT]
        self.about += [(p.name, p.type) for p in people[:60]]
        self.about_weights = [1 / (i + 1) ** 0.7 for i in range(len(self.about))]
        self.famous = [self.fresh_quote() for _ in range(famous)]
        self.famous_weights = [1 / (i + 1) for i in range(famous)]
        self.outlets = [o for o, _ in OUTLETS]
        self.outlet_weights = [w for _, w in OUTLETS]

    def fresh_quote(self) -> str:
        words = [self.rng.choice(VOCAB) for _ in range(self.rng.randint(8, 18))]
        return " ".join(words).capitalize() + "."

    def quote(self) -> str:
        """A quote: a third are well-known ones (some with a word changed), the rest new."""
        rng = self.rng
        if rng.random() < 0.35:
            text = rng.choices(self.famous, self.famous_weights)[0]
            if rng.random() < 0.15:
                words = text.rstrip(".").split()
                words[rng.randrange(1, len(words))] = rng.choice(VOCAB)
                text = " ".join(words) + "."
            return text
        return self.fresh_quote()

    def document(self, number: int) -> Document:
        """One article with 5 or 6 statements by 2 or 3 speakers (and sometimes a group)."""
        rng = self.rng
        cast = list(
            dict.fromkeys(rng.choices(self.speakers, self.speaker_weights, k=rng.randint(2, 3)))
        )
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
        published = f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        place = rng.choice(PLACES)
        parts: list[str] = [f"{cast[0].short} speaks on {place} as talks continue.\n\n"]
        length = len(parts[0])
        speakers: dict[str, Speaker] = {}
        attributions: list[Attribution] = []

        def add(text: str) -> int:
            nonlocal length
            start = length
            parts.append(text)
            length += len(text)
            return start

        for _ in range(rng.choice((5, 5, 6))):
            group = rng.random() < 0.05
            person = None if group else rng.choice(cast)
            if person is None:
                name, type_ = "officials", "GROUP"
                mention = "Officials"
            else:
                name, type_ = person.name, person.type
                first = name not in speakers
                mention = person.short
                if first:
                    mention = f"{person.role.capitalize()} {name}" if person.role else name
            speaker = speakers.get(name)
            if speaker is None:
                roles = [person.role] if person is not None and person.role else []
                speaker = speakers[name] = Speaker(f"s{len(speakers) + 1}", name, type_, roles)
            kind = rng.choices(("direct", "indirect", "mixed"), (6, 3, 1))[0]
            verb = rng.choice(VERBS)
            if kind == "direct":
                quote = self.quote()
                start = add("“")
                content = (start + 1, start + 1 + len(quote))
                add(f"{quote}” ")
                source_start = add(mention)
                add(" ")
                cue_start = add(verb)
                add(". ")
                content_text = quote
            elif kind == "indirect":
                source_start = add(mention)
                add(" ")
                cue_start = add(verb)
                add(" that ")
                clause = f"{rng.choice(INDIRECT)} in {place}"
                start = add(clause)
                content, content_text = (start, start + len(clause)), clause
                add(". ")
            else:
                source_start = add(mention)
                add(" ")
                cue_start = add(verb)
                add(" ")
                quote = self.quote().rstrip(".")
                clause = f"the plan was “{quote}”"
                start = add(clause)
                content, content_text = (start, start + len(clause)), clause
                add(". ")
            source = TextSpan(((source_start, source_start + len(mention)),), mention)
            speaker.mentions.append(source)
            about = [
                EntityRef(n, t)
                for n, t in dict.fromkeys(
                    rng.choices(self.about, self.about_weights, k=rng.randint(1, 2))
                )
            ]
            attributions.append(
                Attribution(
                    kind=kind,
                    content=TextSpan((content,), content_text),
                    cue=TextSpan(((cue_start, cue_start + len(verb)),), verb),
                    source=source,
                    speaker=EntityRef(name, type_, speaker.id),
                    about=about,
                    confidence=round(rng.uniform(0.6, 1.0), 3),
                )
            )
            if rng.random() < 0.3:
                add("\n\n")
        outlet = rng.choices(self.outlets, self.outlet_weights)[0]
        slug = outlet.lower().replace(" ", "")
        return Document(
            id=f"synthetic-{number}",
            text="".join(parts) + f"\n\nArticle {number}.",
            title=f"{cast[0].short} on {place}",
            url=f"https://{slug}.example/{day.isoformat()}/{number}",
            published=published,
            outlet=outlet,
            author=None,
            language="en",
            speakers=list(speakers.values()),
            attributions=attributions,
        )


def build(url: str, statements: int, seed: int) -> dict[str, float]:
    """A store of at least ``statements`` statements at ``url``; its build figures.

    Each article's linker keys are computed first (``with_link_keys``: what extraction
    workers do in ``saidwhat ingest --jobs N`` or ``--dask``), then it is linked and
    written in batches of ``BATCH_ARTICLES`` inside ``Store.writing`` (what the one
    writer does); the seconds of each part are reported apart. ``disk_write_bytes`` is
    what this process wrote to disk (Linux ``/proc/self/io``; with the store's own
    writes for SQLite, none of the server's for PostgreSQL).

    A store that already holds articles is continued: the articles it holds are
    generated again (not linked nor written), so that the generator goes on from the
    next one; the first and last of them, and the total of statements, are checked
    against the store."""
    corpus = Corpus(random.Random(seed))
    start = time.perf_counter()
    written = _written_bytes()
    stored = count = 0
    seconds = {"keys_seconds": 0.0, "link_seconds": 0.0, "write_seconds": 0.0}
    clock = time.perf_counter
    with open_store(url) as store:
        resumed = store.stats()
        stored = resumed["articles"]
        for number in range(1, stored + 1):
            document = corpus.document(number)
            count += len(document.attributions)
            if number <= 3 or number == stored:
                _check_stored(store, document)
        if count != resumed["statements"]:
            raise SystemExit(
                f"the store holds {resumed['statements']:,} statements, not the {count:,} of "
                f"its first {stored:,} synthetic articles: not this benchmark's store"
            )
        if stored:
            print(f"  continuing after {stored:,} articles, {count:,} statements", file=sys.stderr)
        linker = CorpusLinker(store)
        while count < statements:
            mark = clock()
            batch = []
            while len(batch) < BATCH_ARTICLES and count < statements:
                batch.append(with_link_keys(corpus.document(stored + len(batch) + 1)))
                count += len(batch[-1].attributions)
            seconds["keys_seconds"] += clock() - mark
            with store.writing():  # one batch, as ingest writes them
                mark = clock()
                linker.prefetch(batch)
                seconds["link_seconds"] += clock() - mark
                for document in batch:
                    mark = clock()
                    linked = linker.link(document)
                    seconds["link_seconds"] += clock() - mark
                    mark = clock()
                    store.add_article(linked)
                    seconds["write_seconds"] += clock() - mark
                mark = clock()
            seconds["write_seconds"] += clock() - mark  # the commit
            stored += len(batch)
            print(
                f"  {stored:,} articles, {count:,} statements, {time.perf_counter() - start:.0f} s",
                file=sys.stderr,
            )
    figures = {"articles": stored, "statements": count, **seconds}
    if resumed["articles"]:
        figures["resumed_articles"] = resumed["articles"]
        figures["resumed_statements"] = resumed["statements"]
    figures["build_seconds"] = time.perf_counter() - start
    figures["writer_articles_per_second"] = (stored - resumed["articles"]) / (
        seconds["link_seconds"] + seconds["write_seconds"]
    )
    if written is not None:
        figures["disk_write_bytes"] = _written_bytes() - written
    return figures


def _check_stored(store: Store, document: Document) -> None:
    """Stop unless ``document`` (generated again) is stored, under the id the linker gives
    it (its text's key)."""
    try:
        held = store.article(text_key(document.text)[:16])[0]
    except NotFoundError:
        held = None
    if held is None or held.text != document.text:
        raise SystemExit(
            f"{document.id} is not stored as generated: not this benchmark's store "
            "(or another --seed)"
        )


def _written_bytes() -> int | None:
    """The bytes this process has caused to be written to disk (None off Linux)."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return None
    fields = dict(line.split(": ", 1) for line in lines)
    return int(fields["write_bytes"])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def queries(store: Store, rng: random.Random) -> dict[str, Callable[[], Any]]:
    """Each query, as a function drawing new parameters on every call (the parameters are
    sampled through the store's own reads: every speaker, the articles and ``about``
    names of the newest 5,000 statements, the clusters quoted by 2+ articles)."""
    every = store.speakers(limit=store.count_speakers())
    speakers = [(int(s.id), s.name) for s in every]
    names = [name for _, name in speakers]
    surnames = [name.split()[-1] for name in names]
    recent = store.quotes(QuoteFilter(), limit=5000)
    articles = sorted({s.article_id for s in recent})
    clusters = [c.id for c in store.clusters(limit=1000, occurrences=1)]
    about = sorted({a.name for s in recent for a in s.attribution.about})
    # The combined filter asks about well-quoted speakers, so that it finds something.
    quoted = [s.name.split()[-1] for s in every if s.type == "PERSON"][:50]
    outlets = [o for o, _ in OUTLETS]
    terms = sorted(set(VOCAB) - {"a", "the", "to", "and", "of", "is", "we", "our"})

    def window(days: int) -> tuple[str, str]:
        since = date(2025, 1, 1) + timedelta(days=rng.randrange(365 - days))
        return since.isoformat(), (since + timedelta(days=days)).isoformat()

    def period_filter() -> QuoteFilter:
        since, until = window(rng.choice((7, 30, 90)))
        return QuoteFilter(outlet=rng.choice(outlets), since=since, until=until)

    def combined() -> QuoteFilter:
        since, until = window(180)
        return QuoteFilter(
            speaker=rng.choice(quoted), kind="direct", q=rng.choice(terms), since=since, until=until
        )

    return {
        "quotes(speaker=name)": lambda: store.quotes(QuoteFilter(speaker=rng.choice(names))),
        "quotes(speaker=id)": lambda: store.quotes(QuoteFilter(speaker=rng.choice(speakers)[0])),
        "quotes(q=words)": lambda: store.quotes(
            QuoteFilter(q=" ".join(rng.sample(terms, rng.choice((1, 2)))))
        ),
        "quotes(about=name)": lambda: store.quotes(QuoteFilter(about=rng.choice(about))),
        "quotes(outlet, since, until)": lambda: store.quotes(period_filter()),
        "quotes(speaker, kind, q, since, until)": lambda: store.quotes(combined()),
        "quotes() newest first": lambda: store.quotes(),
        "quotes() page at offset 50-5000": lambda: store.quotes(offset=50 * rng.randint(1, 100)),
        "speakers(query)": lambda: store.speakers(rng.choice(surnames)[: rng.randint(3, 5)]),
        "speakers() most quoted": lambda: store.speakers(),
        "speaker(id)": lambda: store.speaker(rng.choice(speakers)[0]),
        "article(id)": lambda: store.article(rng.choice(articles)),
        "cluster(id)": lambda: store.cluster(rng.choice(clusters)),
        "clusters(limit=20)": lambda: store.clusters(limit=20),
        "stats()": lambda: store.stats(),
        "count_quotes(speaker=name)": lambda: store.count_quotes(
            QuoteFilter(speaker=rng.choice(names))
        ),
        "count_quotes(q=word)": lambda: store.count_quotes(QuoteFilter(q=rng.choice(terms))),
        "count_quotes(outlet, since, until)": lambda: store.count_quotes(period_filter()),
        "count_quotes()": lambda: store.count_quotes(),
    }


def size_of(result: Any) -> float:
    if isinstance(result, int):
        return result
    if isinstance(result, tuple):  # article(): (document, statements, story id)
        return len(result[1])
    if isinstance(result, dict):
        return len(result)
    if hasattr(result, "occurrences"):
        return len(result.occurrences)
    return len(result) if hasattr(result, "__len__") else 1


def time_queries(url: str, args: argparse.Namespace) -> list[Timing]:
    """Each query ``args.repeat`` times (fewer if it takes over ``args.max_seconds``)."""
    rng = random.Random(args.seed)
    results = []
    with open_store(url, readonly=True) as store:
        for name, run in queries(store, rng).items():
            if args.only and not any(part in name for part in args.only):
                continue
            run()  # warm-up: the first call pays for reading pages from disk
            latencies: list[float] = []
            rows: list[float] = []
            begin = time.perf_counter()
            while len(latencies) < args.repeat:
                start = time.perf_counter()
                result = run()
                latencies.append((time.perf_counter() - start) * 1000)
                rows.append(size_of(result))
                if time.perf_counter() - begin > args.max_seconds and len(latencies) >= 10:
                    break
            timing = Timing(
                query=name,
                runs=len(latencies),
                p50=statistics.median(latencies),
                p95=percentile(latencies, 0.95),
                max=max(latencies),
                rows=statistics.fmean(rows),
            )
            results.append(timing)
            print(
                f"  {name:<40} p50 {timing.p50:8.2f} ms  p95 {timing.p95:8.2f} ms  "
                f"max {timing.max:8.2f} ms  ({timing.runs} runs)",
                file=sys.stderr,
            )
    return results


def table(results: list[Timing]) -> str:
    lines = [
        "| query | runs | rows (mean) | p50 ms | p95 ms | max ms | p95 < 50 ms |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for t in results:
        lines.append(
            f"| `{t.query}` | {t.runs} | {t.rows:,.1f} | {t.p50:.2f} | {t.p95:.2f} "
            f"| {t.max:.2f} | {'yes' if t.meets_goal else '**no**'} |"
        )
    return "\n".join(lines)


def store_bytes(url: str) -> int:
    """The size of the store: its file with its WAL files (SQLite), or the database's size
    as PostgreSQL counts it (tables, indexes, TOAST)."""
    path = store_file(url)
    if path is not None and not url.startswith(("postgres", "postgresql")):
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        return sum(p.stat().st_size for p in files if p.is_file())
    import psycopg  # only for a PostgreSQL store

    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def stored_stats(url: str) -> dict[str, Any] | None:
    """The stats of the store at ``url``, or None when there is none yet (or it is empty)."""
    path = store_file(url)
    if path is not None and not path.exists():
        return None
    try:
        with open_store(url, readonly=True) as store:
            stats = store.stats()
    except NotFoundError:
        return None
    return stats if stats["articles"] else None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument(
        "--db", help="reuse this store, a path or postgresql:// URL (built there if missing)"
    )
    parser.add_argument("--repeat", type=int, default=200, help="runs per query")
    parser.add_argument(
        "--max-seconds", type=float, default=30.0, help="stop a query's runs after this long"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", nargs="+", help="time only queries whose name contains these")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build the store (or continue it to --statements), time nothing",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = machine()
    with tempfile.TemporaryDirectory(prefix="saidwhat-query-") as tmp:
        url = args.db or str(Path(tmp) / "corpus.db")
        built: dict[str, float] = {}
        # The build figures are kept beside the store (SQLite) or in the working directory
        # (PostgreSQL, by the database's name), to report them when it is reused.
        file = store_file(url)
        name = file.name if file is not None else "store"
        if url.startswith(("postgres", "postgresql")):
            name = url.split("?", 1)[0].rsplit("/", 1)[-1] or "postgres"
        record = (file.parent if file is not None and file.parent.name else Path(".")) / (
            name + ".build.json"
        )
        stats = stored_stats(url)
        grow = args.build_only and stats is not None and stats["statements"] < args.statements
        if stats is not None and not grow:
            print("reusing the store", file=sys.stderr)
            if record.exists():
                built = json.loads(record.read_text(encoding="utf-8"))
        else:
            print(
                f"{'growing' if grow else 'building'} a store of {args.statements:,} statements",
                file=sys.stderr,
            )
            built = build(url, args.statements, args.seed)
            if args.db:
                record.write_text(json.dumps(built) + "\n", encoding="utf-8")
            stats = stored_stats(url)
            assert stats is not None
        size = store_bytes(url)
        print(
            f"{stats['articles']:,} articles, {stats['statements']:,} statements, "
            f"{stats['speakers']:,} speakers, {stats['quote_clusters']:,} quote clusters "
            f"(2+ articles), {stats['stories']:,} stories; store {size / 2**20:.1f} MiB"
            + (f"; built in {built['build_seconds']:.0f} s" if built else ""),
            file=sys.stderr,
        )
        if "writer_articles_per_second" in built:
            print(
                f"writer: {built['writer_articles_per_second']:.0f} articles/s (link "
                f"{built['link_seconds']:.0f} s, write {built['write_seconds']:.0f} s; keys "
                f"{built['keys_seconds']:.0f} s apart)"
                + (
                    f"; disk writes {built['disk_write_bytes'] / size:.1f} x the store"
                    if "disk_write_bytes" in built
                    else ""
                ),
                file=sys.stderr,
            )
        if args.build_only:
            return
        results = time_queries(url, args)
    written = built.get("articles", 0) - built.get("resumed_articles", 0)  # by this build
    print(
        f"\n{info['date']}, commit {info['commit']}, {info['cpu']} ({info['cores']} cores), "
        f"Python {info['python']}; {stats['statements']:,} statements in "
        f"{stats['articles']:,} articles, store {size / 2**20:.1f} MiB"
        + (
            f", built in {built['build_seconds']:.0f} s "
            f"({written:,} articles, {written / built['build_seconds']:.0f} articles/s)"
            if built
            else ""
        )
        + "\n"
    )
    print(table(results))
    if args.json:
        record = {
            "machine": info,
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "store": {"bytes": size, **built, **{k: stats[k] for k in stats}},
            "results": [asdict(t) | {"meets_goal": t.meets_goal} for t in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
