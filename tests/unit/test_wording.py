"""Every refusal can be said in Dutch and in English, with the same numbers in both."""
import string
from pathlib import Path

from flexpool.domain.model import BLOCKER_ORDER, REASONS, Blocker
from flexpool.domain.vocabulary import BlockerType, Reason
from flexpool.domain.wording import BLOCKER_TEXT, LANGUAGES, PLANNER_TEXT

ROOT = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_each_reason_in_each_language_with_the_same_placeholders():
    for reason, texts in BLOCKER_TEXT.items():
        assert set(texts) == set(LANGUAGES), reason
        assert placeholders(texts["nl"]) == placeholders(texts["en"]), reason


def test_every_reason_has_words():
    """A Blocker can only carry a Reason (typed, checked by mypy); each one has words."""
    assert set(BLOCKER_TEXT) == set(Reason) and len(Reason) >= 25


def test_words_fill_in_the_numbers_and_fall_back_to_dutch():
    b = Blocker("rest-period", "rest", {"hours": 11})
    assert b.words("nl") == "Er zou minder dan 11 uur rust zitten tussen deze dienst en een andere dienst."
    assert b.detail == "There would be less than 11 hours of rest between this shift and another one."
    assert b.words("de") == b.words("nl")


def test_a_planner_is_told_every_refusal_with_numbers_the_reason_has():
    # Every pair, not only those the code makes today: a planner's sentence never asks for a number the
    # reason does not carry.
    for kind, reason in ((k, r) for k in BLOCKER_ORDER for r in REASONS[k]):
        for language in LANGUAGES:
            planner = (PLANNER_TEXT.get(reason) or PLANNER_TEXT[kind])[language]
            assert placeholders(planner) <= placeholders(BLOCKER_TEXT[reason][language]), (kind, reason)
    for kind in ("week-hours", "night-shift-rules"):  # their reasons come from the week and night checks
        assert all(not placeholders(text) for text in PLANNER_TEXT[kind].values())
    assert Blocker(BlockerType.CREDENTIAL, Reason.VOG).words("en", "planner") == \
        "No valid certificate of conduct (VOG) is on file for the worker."


def test_a_blocker_carries_only_a_reason_of_its_kind():
    """The planner's sentence is per kind of refusal, so a reason of another kind could ask for numbers it lacks."""
    import pytest

    assert Blocker(BlockerType.REST_PERIOD, Reason.REST_MINOR, {"hours": 12}).reason == Reason.REST_MINOR
    with pytest.raises(ValueError):
        Blocker(BlockerType.REST_PERIOD, Reason.VOG)
