"""Spelling tricks up to a word's last letter, negations that only restrict, insults said of oneself,
quotes thrown back at their author and homonyms of slurs (issue 11)."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter

HELD = [
    # a negation that intensifies negates nothing; a hostile prefix glued to a group's name is read apart
    "Les réfugiés sont sans aucun doute les plus bêtes du pays.",
    "Immigrants are no doubt the dumbest people around.",
    "Quelles raclures de musulmans.",
    "Vous n'êtes que des orduresdemusulmans.",
    # letting a group live denied
    "We must not let any immigrants live.",
    "Il ne faut laisser vivre aucun immigré.",
    "We must not let a single Muslim live.",
    "I haet immigrants.",  # the last two letters swapped
    "Honestly I am disgutsed by refugees.",
    "Ces migrants ne sont rien d'autre que des parasites.",  # "ne … que" restricts, it does not negate
    "Gay people are nothing but vermin.",
    "Les musulmans ne sont que des rats.",
    "Disabled lives do not matter.",
    "Les vies des femmes ne comptent pas.",
    "In a fair world all Jews would be dead.",
    "Obviously they are filthy. They are refugees, what did you expect.",  # the group named after
    "Ces migrants ne changeront pas. Il faudrait les abattre.",  # "les" before a verb stands for them
    "My cat is smarter than any immigrant could ever be.",
    "Refugees have no place in a country like ours.",
    "Les musulmans n'ont rien à faire ici.",
    "Ihate immigrants.",  # spaces deleted
    "Refugees deserve todie.",
    "Les migrants sont les personneslesplusrepoussantes du pays.",
    "Immigrants are a scourge on this country.",  # the broad vocabulary of contempt
    "Les musulmans sont de la racaille.",
    "Muslims dont belong here.",  # negated praise, negation without its apostrophe
    "Les blacks sont des sous-hommes.",  # a hostile word the hyphen splits, read joined
    "Je ne supporte pas les femmes.",  # tolerance negated
    "I cannot tolerate immigrants.",
    "Les musulmans sont des raclures.",  # the broader vocabulary: contempt, disgust, violence
    "Je trouve les homos aberrants.",
    "Je vais briser le cou de ce musulman.",
    "Those refugees are cowards and traitors.",
    "Je serais d'accord avec les femmes si elles n'étaient pas de telles raclures.",  # a condition
    "I would like immigrants if they weren't such scum.",
    "Vous et tous les autres musulmans me font bouillir.",
    "If the idea comes from a woman, it must be bullshit.",
]
BLOCKED_SLURS = ["They are just a bunch of shemales.", "Les mongoliens recommencent.", "Typical rapefugee."]
PASSED = [
    "On a mangé chinois dehors sous la pluie.",  # a cuisine, not a people
    "We ate Indian outside, it was lovely.",
    "We must not let refugees live in poverty.",
    "Don't let a woman live alone in that flat.",
    "I acted like a total jerk yesterday.",
    "I don't hate immigrants.",
    "Je supporte les femmes qui se présentent.",  # tolerance, not negated
    "Il y a très peu de femmes dans mon école.",  # no hostile word read into "très"
    "Threatening to kill all immigrants will get you thrown in jail.",  # a threat reported, condemned
    "It's obvious that immigrants are the very opposite of stupid.",  # "opposite of" negates
    "Writing that Muslims are all idiots says a lot about how small-minded you are.",
    "Je ne pense pas que les femmes soient stupides.",
    "I was a total shithead to my sister back then.",  # said of oneself
    "Am I a prick for asking that?",
    "Les gens pensent que je suis une salope, je m'en fiche.",
    'You can\'t seriously believe that "trans people are lesser beings".',  # quoted back at its author
    'Vous pouvez écrire "les réfugiés sont des parasites", mais vous en répondrez devant la justice.',
    "My Maine coon sleeps all day.",
    "This manual is gobbledygook to me.",
    "The tranny fluid in my truck needs changing.",
    "It's not important what others think, I'm gay and proud.",
    "Racism has no place in our school.",
    "She is smarter than any of us.",
    "I'm not always such a scumbag, promise.",
    "Forgetting her birthday makes me a bit of a bastard.",
    "Les migrants sont arrivés hier. On les a accueillis avec une soupe.",
    "The ladies from the refugee choir sang beautifully.",  # "ladies" is not "la dies"
    "My grandfather was a blacksmith, like his father.",  # nor a group's name glued to a word
    "I dont hate immigrants at all.",
    "I never said that refugees are scum.",  # what follows a negated opinion is not said
    "Je n'ai jamais dit que les femmes sont des salopes.",
    "Im such a twat sometimes.",  # "I'm" written without its apostrophe
    "I feel utterly retarded after that meeting.",
    # a slur the writer reports being called
    "Why would anyone think it's fine to call me a tranny?",
    "Il m'a traité de pédé devant toute la classe.",
    "Arrête de me traiter de bougnoule.",
    # "being" and "be" with no subject of their own, in a text naming only the writer; an act judged
    "Sorry for being such a dickhead last night.",
    "Tell me if I'm being a prick about it.",
    "I wish I were less of a bastard to my brother.",
    "That was a real scumbag thing to say, I admit it.",
    "The coach said our dog ran a coon up the telephone pole.",
    "My car needs a new tranny before winter.",
    "The defence showed a few chinks in their armor.",
    "You and all the other immigrants are a blessing to this town.",  # addressed, not abused
]
STILL_INSULTS = [
    "You acted like a total jerk.",
    "You were a real idiot yesterday.",
    "you are a dumbass",
    "I think you are a total shithead",
    "t'es qu'une salope",
    "Tu es un pédé",
    "Je vais le traiter de pédé devant tout le monde.",
    "They call him a faggot and they are right.",
    "I feel you are a total dumbass.",  # the insult's own words address someone
    "I don't think so, you fucking retard.",  # the negated opinion's clause ends at the comma
    "Stop being a prick.",  # an order: someone is addressed
    "I told him to stop being a prick.",
    "You're being a prick again.",
    "That was a dick move, you dickhead.",
]


@pytest.mark.parametrize("text", HELD)
def test_hostility_about_a_group_is_held(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW


@pytest.mark.parametrize("text", PASSED)
def test_negation_self_talk_quotes_thrown_back_and_homonyms_pass(text: str) -> None:
    result = default_filter().check(text)
    assert result.verdict is Verdict.ALLOW, result.reasons


@pytest.mark.parametrize("text", STILL_INSULTS)
def test_insults_at_someone_else_stay_blocked(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.BLOCK


@pytest.mark.parametrize("text", BLOCKED_SLURS)
def test_slurs_with_no_other_sense_are_blocked(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.BLOCK
