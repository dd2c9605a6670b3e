"""Group rules written from general knowledge of how hate and its condemnation are phrased, checked
on our own sentences: a challenge to whoever said it condemns it, what someone else said is reported
unless the writer agrees, rights and life denied are hostile, violence a group is suffering is
reported, not wished."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter


@pytest.mark.parametrize(
    "text",
    [
        "Comment tu peux traiter les musulmans de terroristes ?",
        "How can you call gay people perverts and sleep at night?",
        "Tu ne te rends pas compte de ce que tu dis quand tu traites les femmes de chiennes ?",
        "Women are being murdered every week and nobody cares.",
        "I don't live near any immigrants.",
        "You should be ashamed for saying that immigrants are parasites.",
        "Il a écrit que les noirs étaient des singes et il a été viré.",
        "Les gens qui disent que les migrants sont des voleurs ne les ont jamais rencontrés.",
        "He said gay people are disgusting, so I blocked him.",
        "Jamais je ne dirais que les noirs sont stupides.",
        "Dire que les immigrés sont des rats, c'est de la pure haine.",
        'Statements like "women are stupid" have no place here.',
        "Des propos comme « les femmes sont stupides » n'ont pas leur place ici.",
        "Le tweet « les gays sont des malades » a été supprimé, tant mieux.",
        "My uncle keeps saying immigrants are rats and I'm done with him.",
        'Posting "trans people are freaks" got him suspended, good.',
        '"Women are property" is a disgusting thing to say.',
        "Disabled people are no less valuable than anyone else.",
        "I don't give a shit about this match.",
        "Rentre chez toi, il est tard.",
        "Women are good at many things.",
        "Les femmes sont bonnes en maths.",
        "A joke about Muslims isn't funny.",
        "Il y a très peu de femmes dans mon école.",  # "très" would be "tares" less its "a"
        "La rafle du Vel d'Hiv a visé les juifs en 1942.",
        "Des centaines de migrants sont morts en mer cette année.",
        "Many immigrants died crossing the Mediterranean.",
        "Muslims are often targeted by hate crimes.",
        "En tant que femme noire, j'en ai marre qu'on me traite de sauvage.",
        "We don't hate gay people, we love them.",
        "I don't think you understand: women are not worthless.",
        "Women farmers raise cattle.",
        "My disabled brother loves vegetables.",
        "Les femmes sont des mères formidables.",
        "Fuck, women's football is so exciting.",
        "Fuck yeah, women in charge!",
        "On entend trop souvent que les noirs sont violents, c'est faux.",
        "Je refuse qu'on dise que les juifs contrôlent tout.",
        "Personne ne devrait dire que les femmes sont stupides.",
        "Rien ne justifie de dire que les arabes sont des voleurs.",
        "Il n'est pas vrai que les immigrés volent le travail des autres.",
    ],
)
def test_condemned_or_reported_is_not_held(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "Les immigrés n'ont aucun droit ici.",
        "Ces handicapés ne méritent pas de vivre.",
        "Women should have no rights.",
        "Muslims are being killed and that's a good thing.",
        "My dad says immigrants are rats and he's right.",
        "As my uncle always says, Muslims are terrorists.",
        "They say Muslims are terrorists, and it's true.",
        "Immigrants have no place here.",
        "Les immigrés n'ont pas leur place ici.",
        "Immigrants are ruining everything they touch.",
        "Women are only good for cooking and cleaning.",
        "Disabled people are a drain on society.",
        "Muslims have no business being in our country.",
        "Send the immigrants back where they came from.",
        "Women who speak up should be silenced.",
        "Les femmes ne sont bonnes qu'à faire le ménage.",
        "Les immigrés sont un poids pour la société.",
        "Qu'ils rentrent chez eux, ces migrants.",
        "Rentrez chez vous, les arabes.",
        "Les immigrés puent.",
        "La place des femmes est à la cuisine.",
        "Mort aux juifs.",
        "Les juifs morts sont les meilleurs juifs.",
        "I'm glad those immigrants drowned.",
        "Don't you think women are worthless?",
        "Jews are snakes.",
        "Disabled people are vegetables.",
        "Women are cattle.",
        "Les femmes sont des vaches.",
        "Les handicapés sont des légumes.",
        "Je vais les traquer un par un, ces migrants.",
        "I'm going to make every Muslim regret being born.",
        "Fuck immigrants.",
        "On va rayer ces immigrés de la carte.",
        "Nique les juifs.",
        "Les noirs, qu'ils aillent se faire foutre.",
        "Isn't it true that women are stupid?",
        "Trans people think they're special. I hate them.",
    ],
)
def test_rights_denied_and_violence_approved_are_held(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "Three jihadis were arrested near the border last night.",
        "Jihadi recruiters target lonely teenagers online.",
    ],
)
def test_jihadi_names_militants_not_a_group(text: str) -> None:
    # "jihadi" names someone fighting a jihad, as "terrorist" does: no slur for Muslims as a group
    assert default_filter().check(text).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    "text", ["Honestly all Muslims are jihadis.", "Les musulmans sont tous des jihadis."]
)
def test_a_group_called_jihadis_is_held(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "Muslims should know their place in this country.",
        "Disabled people should stay out of the office.",
        "So typical of a woman to cry about it.",
        "Typical immigrant behaviour, again.",
        "Refugees must be chased out of our town.",
        "Kick all the migrants out by force.",
        "Trans people shouldn't be allowed to marry.",
        "Les juifs ne méritent pas les mêmes droits.",
        "Les femmes ne devraient pas avoir le droit de conduire.",
        "Les femmes devraient rester à leur place.",
        "C'est typique d'une lesbienne.",
        "Il faut virer ces migrants par la force.",
        "Honestly the womne in my class are brainless.",
    ],
)
def test_a_group_kept_in_its_place_driven_out_or_denied_a_right_is_held(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "Women should stick to their principles when they negotiate.",
        "A typical woman in 1900 worked on a farm.",
        "Les femmes ont obtenu le droit de vote en 1944.",
        "Refugees were driven out of their homes by the war.",
    ],
)
def test_places_plans_and_history_of_a_group_pass(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW
