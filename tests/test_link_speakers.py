"""Speakers across articles (saidwhat.link.speakers and saidwhat.link.names)."""

from __future__ import annotations

import pytest

from saidwhat.link.names import (
    FIRST_NAMES,
    acronyms,
    name_key,
    role_key,
    roles_agree,
    surname_key,
)
from saidwhat.link.speakers import (
    KnownSpeaker,
    SpeakerEvidence,
    index_keys,
    link_speaker,
    lookup_keys,
)


def known(
    id: int,
    name: str,
    type: str = "PERSON",
    *,
    aliases: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
    context: tuple[str, ...] = (),
) -> KnownSpeaker:
    return KnownSpeaker(id, name, type, {name, *aliases}, set(roles), set(context))


def person(
    name: str, *, roles: tuple[str, ...] = (), context: tuple[str, ...] = ()
) -> SpeakerEvidence:
    return SpeakerEvidence(name, "PERSON", frozenset(roles), frozenset(context))


BLINKEN = known(1, "Antony Blinken", roles=("US Secretary of State",), context=("sergei lavrov",))
LOPEZ_M = known(2, "Maria Lopez", roles=("mayor",), context=("city council",))
LOPEZ_D = known(3, "Daniel Lopez", roles=("police chief",), context=("city council",))


# Keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Antony Blinken", "antony blinken"),
        ("Tony Blinken", "antony blinken"),
        ("Secretary of State Antony Blinken", "antony blinken"),
        ("U.S. Secretary of State Antony Blinken", "antony blinken"),
        ("Mr. Blinken", "blinken"),
        ("Blinken's", "blinken"),
        ("A. Blinken", "a blinken"),
        ("U.S. Sen. Chuck Schumer", "charles schumer"),
        ("Bill Nelson", "william nelson"),
        ("Dr. José Álvarez", "jose alvarez"),
        ("Rep. Alexandria Ocasio-Cortez (D-N.Y.)", "alexandria ocasio-cortez"),
        ("Joseph R. Biden Jr.", "joseph r biden jr"),
        ("Kremlin spokesman Dmitri Peskov", "dmitri peskov"),
        ("President Biden", "biden"),
        ("Dean Phillips", "dean phillips"),
        ("Tony", "tony"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_org_name_keys_and_acronyms() -> None:
    assert name_key("The U.S. State Department", "ORG") == "us state department"
    assert name_key("United States State Department", "ORG") == "us state department"
    assert name_key("General Motors", "ORG") == "general motors"  # titles stay in ORG names
    assert acronyms(name_key("Voice of America", "ORG")) == {"voa"}
    assert acronyms(name_key("Federal Bureau of Investigation", "ORG")) == {"fbi", "fboi"}
    assert "usaid" in acronyms(name_key("U.S. Agency for International Development", "ORG"))
    assert acronyms("voa") == set()


def test_surname_key() -> None:
    assert surname_key("Antony Blinken") == "blinken"
    assert surname_key("Joseph R. Biden Jr.") == "biden"
    assert surname_key("Ursula von der Leyen") == "von der leyen"
    assert surname_key("Blinken") is None
    assert surname_key("Secretary Blinken") is None


def test_role_key_drops_countries_and_articles() -> None:
    assert role_key("US Secretary of State") == "secretary state"
    assert role_key("the U.S. secretary of state") == "secretary state"
    assert role_key("American Secretary of State") == "secretary state"
    assert role_key("Secretary of State") == "secretary state"
    assert role_key("Kremlin spokesman") == "kremlin spokesman"
    assert roles_agree("US Secretary of State", "Secretary of State")
    assert not roles_agree("US ambassador", "Russian ambassador")
    assert not roles_agree("mayor", "police chief")


def test_lookup_and_index_keys() -> None:
    assert lookup_keys(person("Secretary of State Antony Blinken")) == {"antony blinken", "blinken"}
    assert lookup_keys(person("Blinken")) == {"blinken"}
    assert lookup_keys(SpeakerEvidence("Voice of America", "ORG")) == {"voice of america", "voa"}
    assert lookup_keys(SpeakerEvidence("the protesters", "GROUP")) == set()
    assert index_keys(known(5, "Tony Blinken", aliases=("A. Blinken",))) == {
        "antony blinken",
        "a blinken",
        "blinken",
    }
    # what the store looks up finds what it indexed
    assert lookup_keys(person("Blinken")) <= index_keys(BLINKEN)
    assert lookup_keys(SpeakerEvidence("VOA", "ORG")) <= index_keys(
        known(9, "Voice of America", "ORG")
    )


# Linking


@pytest.mark.parametrize(
    "name",
    [
        "Antony Blinken",
        "Tony Blinken",
        "Secretary of State Antony Blinken",
        "Mr. Antony Blinken",
        "A. Blinken",
        "Antony J. Blinken",
    ],
)
def test_name_variants_merge(name: str) -> None:
    assert link_speaker(person(name), [LOPEZ_M, BLINKEN]) == 1


def test_surname_alone_merges_with_role_evidence() -> None:
    assert link_speaker(person("Blinken", roles=("Secretary of State",)), [BLINKEN]) == 1


def test_surname_alone_merges_with_context_evidence() -> None:
    assert link_speaker(person("Blinken", context=("sergei lavrov",)), [BLINKEN]) == 1


def test_surname_alone_without_evidence_stays_apart() -> None:
    assert link_speaker(person("Blinken"), [BLINKEN]) is None
    assert link_speaker(person("Blinken", roles=("spokesman",)), [BLINKEN]) is None
    assert link_speaker(person("Blinken", roles=("Russian Secretary of State",)), [BLINKEN]) is None


def test_full_name_against_a_surname_only_record_needs_evidence() -> None:
    record = known(8, "Blinken", roles=("Secretary of State",))
    assert link_speaker(person("Antony Blinken"), [record]) is None
    assert link_speaker(person("Antony Blinken", roles=("US Secretary of State",)), [record]) == 8


def test_two_people_with_one_surname_stay_apart() -> None:
    candidates = [LOPEZ_M, LOPEZ_D]
    assert link_speaker(person("Maria Lopez"), candidates) == 2
    assert link_speaker(person("Daniel Lopez"), candidates) == 3
    assert link_speaker(person("Daniel Lopez"), [LOPEZ_M]) is None
    assert link_speaker(person("Ana Lopez", roles=("mayor",)), [LOPEZ_M]) is None


def test_a_short_form_shared_by_two_names_is_a_variant_of_each() -> None:
    minister = known(5, "Alexandra Kessel", roles=("foreign minister",))
    assert link_speaker(person("Sasha Kessel"), [minister]) == 5
    assert link_speaker(person("Alexander Kessel"), [minister]) is None


def test_a_surname_only_alias_never_links_a_different_full_name() -> None:
    mayor = known(4, "Helena Brask", aliases=("Brask",), roles=("mayor",), context=("lowmere",))
    assert link_speaker(person("Jonas Brask", context=("lowmere",)), [mayor]) is None


def test_a_shared_role_outranks_a_shared_context_name() -> None:
    candidates = [LOPEZ_M, LOPEZ_D]
    assert (
        link_speaker(person("Lopez", roles=("mayor",), context=("city council",)), candidates) == 2
    )


def test_surname_alone_needs_evidence_for_exactly_one_candidate() -> None:
    candidates = [LOPEZ_M, LOPEZ_D]
    assert link_speaker(person("Lopez", roles=("Mayor",)), candidates) == 2
    assert link_speaker(person("Lopez", roles=("police chief",)), candidates) == 3
    # the shared context name is evidence for both: ambiguous
    assert link_speaker(person("Lopez", context=("city council",)), candidates) is None


def test_initial_matching_two_people_is_ambiguous() -> None:
    alan = known(4, "Alan Blinken")
    assert link_speaker(person("A. Blinken"), [BLINKEN, alan]) is None
    assert link_speaker(person("A. Blinken", context=("sergei lavrov",)), [BLINKEN, alan]) == 1


def test_conflicting_middle_names_and_suffixes_stay_apart() -> None:
    father = known(20, "George H. W. Bush")
    assert link_speaker(person("George W. Bush"), [father]) is None
    assert link_speaker(person("George Herbert Walker Bush"), [father]) == 20
    king = known(21, "Martin Luther King Jr.")
    assert link_speaker(person("Martin Luther King III"), [king]) is None
    assert link_speaker(person("Martin L. King Jr."), [king]) == 21


def test_aliases_are_matched() -> None:
    record = known(6, "Antony Blinken", aliases=("Tony Blinken", "A.J. Blinken"))
    assert link_speaker(person("Tony Blinken"), [record]) == 6


def test_same_key_several_records_prefers_evidence_then_lowest_id() -> None:
    a = known(31, "John Smith", roles=("farmer",))
    b = known(30, "John Smith", roles=("senator",))
    assert link_speaker(person("John Smith", roles=("Sen.",)), [a, b]) == 30
    assert link_speaker(person("John Smith", roles=("farmer",)), [a, b]) == 31
    assert link_speaker(person("John Smith"), [a, b]) == 30


def test_org_acronym_and_us_variants() -> None:
    voa = known(40, "Voice of America", "ORG")
    state = known(41, "U.S. State Department", "ORG")
    assert link_speaker(SpeakerEvidence("VOA", "ORG"), [voa, state]) == 40
    assert link_speaker(SpeakerEvidence("US State Department", "ORG"), [voa, state]) == 41
    assert link_speaker(SpeakerEvidence("the State Department", "ORG"), [voa, state]) is None
    assert link_speaker(SpeakerEvidence("Voice of America", "ORG"), [known(42, "VOA", "ORG")]) == 42


def test_person_and_org_never_merge() -> None:
    org = known(50, "Blinken", "ORG")
    assert link_speaker(person("Blinken", roles=("Secretary of State",)), [org]) is None
    assert link_speaker(SpeakerEvidence("Antony Blinken", "ORG"), [BLINKEN]) is None
    assert (
        link_speaker(SpeakerEvidence("Voice of America", "PERSON"), [known(40, "VOA", "ORG")])
        is None
    )


def test_groups_never_merge() -> None:
    crowd = known(60, "protesters", "GROUP")
    assert link_speaker(SpeakerEvidence("protesters", "GROUP"), [crowd]) is None


@pytest.mark.parametrize(
    ("name", "type_"), [("a local doctor", "UNNAMED"), ("A study", "DOCUMENT")]
)
def test_unnamed_speakers_never_merge(name: str, type_: str) -> None:
    assert lookup_keys(SpeakerEvidence(name, type_)) == set()
    assert link_speaker(SpeakerEvidence(name, type_), [known(61, name, type_)]) is None


def test_no_candidates_or_empty_name() -> None:
    assert link_speaker(person("Antony Blinken"), []) is None
    assert link_speaker(person("“ ”"), [BLINKEN]) is None
    assert lookup_keys(person("...")) == set()


def test_keys_are_stable_under_rekeying() -> None:
    assert all(FIRST_NAMES.get(name, name) == name for name in FIRST_NAMES.values())
    for name in ("U.S. Sen. Chuck Schumer", "Joseph R. Biden Jr.", "A. Blinken", "Ocasio-Cortez"):
        assert name_key(name_key(name)) == name_key(name)
    assert name_key(name_key("The U.S. State Department", "ORG"), "ORG") == "us state department"
