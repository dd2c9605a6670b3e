"""Explicit threats against a person, whoever the person is (PRODUCT.md, issue 11): a promise of violence
to him, her, you or a described person, a body part or a weapon named with them, blocked; a wish or
an angry hyperbole held for review; figures of speech, games and stories let through."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter
from bot.moderation.play import in_play


@pytest.mark.parametrize(
    "text",
    [
        "Tomorrow I will slit her throat, I swear",
        "I'm gonna smash that guy's face in after class",
        "we're going to break his kneecaps",
        "I want to end her miserable life",
        "I'll take a hammer to my landlord",
        "I wish somebody shot that bastard",
        "somebody needs to crack his skull open",
        "I'm going to strangle the new intern",
        "there's a bullet with your name on it",
        "demain je vais lui exploser la mâchoire",
        "je vais casser ses genoux à ce mec",
        "je veux mettre un terme à ta vie",
        "on va le faire souffrir, crois-moi",
        "j'espère que quelqu'un la poignarde",
        "quelqu'un devrait lui briser la nuque",
    ],
)
def test_promised_violence_to_a_person_is_blocked(text: str) -> None:
    result = default_filter().check(text)
    assert result.verdict is Verdict.BLOCK, text
    assert any(reason.category == "threat" for reason in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "honestly I could strangle him right now",
        "that guy deserves to be beaten to death",
        "I'm going to hurt her, she had it coming",
        "stabbing him would be legal in a better world",
        "been sharpening my knife for the day he comes back",
        "ce type mérite d'être pendu",
        "cette meuf devrait crever",
        "je voudrais qu'il se fasse écraser",
        "je te jure je pourrais l'étrangler",
    ],
)
def test_wished_or_hyperbolic_violence_to_a_person_is_held(text: str) -> None:
    result = default_filter().check(text)
    assert result.verdict is Verdict.REVIEW, text
    assert any(reason.category == "threat" for reason in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "I could kill for a slice of pizza right now",
        "she killed it at the talent show",
        "these night shifts are killing me",
        "we played cards to kill time",
        "I'm afraid I'll hurt his feelings if I say no",
        "my best friend stabbed me in the back",
        "I'll shoot you an email with the details",
        "I will never hurt her, I love her",
        "I'm going to crush it at the exam",
        "ces réunions me tuent",
        "on a joué aux cartes pour tuer le temps",
        "il va me casser la tête avec ses histoires",
        "je vais t'ouvrir les yeux sur ce dossier",
        "je vais lui faire payer l'addition, c'est son anniversaire",
        "I'm going to kill this boss tonight, third try",
        "in the video game I stab him and take his sword",
        "je vais le tuer ce boss final, il m'a eu dix fois",
        "dans mon roman, le héros va lui trancher la gorge au chapitre 3",
    ],
)
def test_figures_of_speech_games_and_stories_pass(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW, text


def test_a_game_does_not_excuse_a_push_to_self_harm_nor_a_denied_game() -> None:
    assert default_filter().check("it's just a video game, kill yourself").verdict is Verdict.BLOCK
    assert default_filter().check("this is no video game, I will kill you").verdict is Verdict.BLOCK
    assert in_play(["we", "lost", "the", "boss", "fight", "again"])
    assert not in_play(["my", "boss", "is", "a", "nightmare"])


@pytest.mark.parametrize(
    "text",
    [
        "I'm gonna stab Julien after practice",
        "Tonight I will strangle Sophie Martin",
        "on va tabasser Nadia demain",
    ],
)
def test_a_promise_of_violence_to_a_named_person_is_held(text: str) -> None:
    result = default_filter().check(text)
    assert result.verdict is Verdict.REVIEW, text
    assert any(reason.category == "threat" for reason in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not going to kill Julien, relax",
        "I want to kill time with Sophie at the café",
        "I will kill. Nadia, you were right about that spider",
        "in the video game I'm going to stab Julien's knight",
    ],
)
def test_a_name_near_a_violent_verb_alone_is_no_threat(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW, text
