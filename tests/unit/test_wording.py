"""Every refusal can be said in Dutch and in English, with the same numbers in both."""
import re
import string
from pathlib import Path

from flexpool.domain.model import BLOCKER_ORDER, Blocker
from flexpool.domain.wording import BLOCKER_TEXT, LANGUAGES, PLANNER_TEXT

ROOT = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_each_reason_in_each_language_with_the_same_placeholders():
    for reason, texts in BLOCKER_TEXT.items():
        assert set(texts) == set(LANGUAGES), reason
        assert placeholders(texts["nl"]) == placeholders(texts["en"]), reason


def test_every_reason_the_code_gives_has_words():
    source = "\n".join(p.read_text() for p in (ROOT / "flexpool").rglob("*.py"))
    used = set(re.findall(r'Blocker\("[a-z-]+", "([a-z0-9-]+)"', source))
    worktime = (ROOT / "flexpool" / "domain" / "worktime.py").read_text()  # reasons of the week and night checks
    used |= set(re.findall(r'out\.append\(\("([a-z0-9-]+)"', worktime))
    assert len(used) >= 25 and used <= set(BLOCKER_TEXT), used - set(BLOCKER_TEXT)


def test_words_fill_in_the_numbers_and_fall_back_to_dutch():
    b = Blocker("rest-period", "rest", {"hours": 11})
    assert b.words("nl") == "Er zou minder dan 11 uur rust zitten tussen deze dienst en een andere dienst."
    assert b.detail == "There would be less than 11 hours of rest between this shift and another one."
    assert b.words("de") == b.words("nl")


def test_a_planner_is_told_every_refusal_with_numbers_the_reason_has():
    source = "\n".join(p.read_text() for p in (ROOT / "flexpool").rglob("*.py"))
    pairs = set(re.findall(r'Blocker\("([a-z-]+)", "([a-z0-9-]+)"', source))
    assert len(pairs) >= 15
    for kind, reason in pairs:
        if kind not in BLOCKER_ORDER:  # e.g. cancellation-window: only ever told to the worker
            continue
        for language in LANGUAGES:
            planner = (PLANNER_TEXT.get(reason) or PLANNER_TEXT[kind])[language]
            assert placeholders(planner) <= placeholders(BLOCKER_TEXT[reason][language]), (kind, reason)
    for kind in ("week-hours", "night-shift-rules"):  # their reasons come from the week and night checks
        assert all(not placeholders(text) for text in PLANNER_TEXT[kind].values())
    assert Blocker("credential", "vog").words("en", "planner") == \
        "No valid certificate of conduct (VOG) is on file for the worker."
