"""Documents built by hand, for the store, API, page and browser tests (no model needed)."""

from __future__ import annotations

from collections.abc import Sequence

from saidwhat.model import Attribution, Document, EntityRef, Speaker, TextSpan

PORT_LANTERN = EntityRef("Port Lantern", "GPE")


def article(
    doc_id: str,
    statements: list[tuple[str, str, str, str]],
    *,
    outlet: str,
    published: str,
    url: str | None = None,
    title: str | None = None,
    roles: dict[str, list[str]] | None = None,
    lead: str = "",
    kind: str = "direct",
    about: Sequence[EntityRef] = (PORT_LANTERN,),
) -> Document:
    """A document whose text is built from ``(speaker, type, cue, content)`` statements.

    Each statement is a paragraph of its own, written ``“content,” speaker cue.``,
    after ``lead``; the speaker's name is its mention and the statement's source.
    """
    text = lead
    speakers: dict[str, Speaker] = {}
    attributions = []
    for name, type_, cue, content in statements:
        if text:
            text += "\n\n"
        start = len(text) + 1
        text += f"“{content},” {name} {cue}."
        s0 = start + len(content) + 3
        source = TextSpan.of(text, [(s0, s0 + len(name))])
        cue_at = s0 + len(name) + 1
        speaker = speakers.setdefault(
            name, Speaker(f"s{len(speakers) + 1}", name, type_, list((roles or {}).get(name, [])))
        )
        speaker.mentions.append(source)
        attributions.append(
            Attribution(
                kind,  # type: ignore[arg-type]
                TextSpan.of(text, [(start, start + len(content))]),
                TextSpan.of(text, [(cue_at, cue_at + len(cue))]),
                source,
                speaker.ref(),
                about=list(about),
                confidence=0.9,
            )
        )
    return Document(
        id=doc_id,
        text=text,
        title=title,
        url=url,
        outlet=outlet,
        published=published,
        language="en",
        speakers=list(speakers.values()),
        attributions=attributions,
    )
