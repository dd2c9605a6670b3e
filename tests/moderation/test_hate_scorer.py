"""The learned hate scorer: what it reads, that it decides whether the group rules' finding stands,
that it may hold a text the rules let through only for review, and its shipped file."""

from __future__ import annotations

from bot.moderation import Verdict, default_filter
from bot.moderation.hate_scorer import (
    GROUP_CLASS,
    HOSTILE_CLASS,
    SELF_CLASS,
    HateScorer,
    features,
    load_hate_scorer,
    may_add,
    read_classes,
)
from bot.moderation.normalise import normalise
from bot.moderation.pipeline import TextFilter


def _features(text: str, rules: tuple[str, ...] = ()) -> list[str]:
    return features(text, normalise(text).split(), rules)


def test_groups_slurs_and_the_writer_s_own_group_are_classes() -> None:
    _, classes = read_classes(["these", "women", "are", "vile"])
    assert classes == ["these", GROUP_CLASS, "are", "vile"]
    _, classes = read_classes(["i", "m", "gay", "and", "proud"])
    assert SELF_CLASS in classes and GROUP_CLASS not in classes
    # a spelling trick on a group's name is undone as the group rules undo it
    assert GROUP_CLASS in read_classes(["womn", "are", "scum"])[1]


def test_words_are_read_under_the_text_s_state() -> None:
    plain = _features("Women are disgusting.")
    assert "G:" + HOSTILE_CLASS in plain and "s:G" in plain
    quoted = _features('Saying "women are disgusting" makes you a bigot.')
    assert not any(feature.startswith("G:") for feature in quoted)  # quoted, someone addressed
    negated = _features("I don't hate women.")
    assert "GN:" + HOSTILE_CLASS in negated
    assert _features("I hate pizza.")[0] == "s:"  # no group named
    assert "r:none" in plain and "r:group_rules:hate" in _features("x", ("group_rules:hate",))


def test_may_add_needs_a_hostile_word_or_slur_or_a_strong_score_and_no_self_identification() -> None:
    assert may_add(_features("Women are disgusting."), 0.9, 0.9, 0.95)
    assert not may_add(_features("Women are disgusting."), 0.8, 0.9, 0.95)
    assert not may_add(_features("Women are lovely."), 0.9, 0.9, 0.95)
    # no hostile word: only a score past ``strong`` holds it ("X lives are worth nothing")
    assert may_add(_features("Female lives are worth nothing."), 0.96, 0.9, 0.95)
    assert not may_add(_features("Female lives are worth nothing."), 0.94, 0.9, 0.95)
    # said of oneself: never, whatever the score
    assert not may_add(_features("I'm gay and I hate Mondays."), 1.0, 0.9, 0.95)
    assert not may_add(_features("As someone who is in a wheelchair, I feel at home here."), 1.0, 0.9, 0.95)
    # counter-speech: what it quotes or reports is not said, whatever the score
    quoted = 'He said this was "typical tranny behaviour", which shows how bigoted he is.'
    assert not may_add(_features(quoted), 1.0, 0.9, 0.95)
    # a slur the writer reports being called, as the lexicon reads it
    assert not may_add(_features("Why would you think it's okay to call me a tranny?"), 1.0, 0.9, 0.95)
    assert may_add(_features("You are such a tranny."), 1.0, 0.9, 0.95)


def test_the_scorer_decides_whether_the_group_rules_finding_stands() -> None:
    text = "Women are disgusting."
    disagrees = TextFilter(hate=HateScorer({"r:group_rules:hate": -20.0}, 0.0, 0.5, 0.9))
    assert disagrees.check(text).verdict is Verdict.ALLOW
    agrees = TextFilter(hate=HateScorer({"r:group_rules:hate": 20.0}, 0.0, 0.5, 0.9))
    result = agrees.check(text)
    assert result.verdict is Verdict.REVIEW
    assert [reason.layer for reason in result.reasons] == ["group_rules"]
    # without the scorer the rules speak alone
    assert TextFilter().check(text).verdict is Verdict.REVIEW


def test_the_scorer_alone_only_ever_holds_for_review() -> None:
    text = "Those women are a disgusting bunch."
    always = TextFilter(hate=HateScorer({"s:G": 30.0}, 0.0, 0.5, 0.5))
    result = always.check(text, explain=True)
    assert result.verdict is Verdict.REVIEW
    # and never speaks about a text that names no group
    assert always.check("This pizza is disgusting.").verdict is Verdict.ALLOW


def test_the_shipped_scorer_loads_and_is_used_by_default() -> None:
    scorer = load_hate_scorer()
    assert 0.0 < scorer.threshold <= 1.0 and scorer.add > 0.0 and scorer.strong >= scorer.add
    assert len(scorer.weights) > 1000
    assert default_filter().check("I absolutely adore women.").verdict is Verdict.ALLOW
