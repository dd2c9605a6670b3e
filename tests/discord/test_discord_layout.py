"""Discord's layout of the core's buttons: 5 rows of 5, menus for long choices, labels cut on words."""

from __future__ import annotations

from adapters.discord.render import fit, fit_all, layout
from bot.actions import ToggleSubscription
from bot.messages import Button


def buttons(n: int) -> tuple[Button, ...]:
    return tuple(Button(f"b{i}", ToggleSubscription(f"t{i}")) for i in range(n))


def test_labels_are_cut_on_a_word_and_stay_distinct() -> None:
    french = "✅ Recevoir chaque matin le résumé quotidien des meilleurs secrets de vos communautés préférées"
    cut = fit(french, 80)
    assert len(cut) <= 80 and cut.endswith("…") and french.startswith(cut[:-1])
    assert french[len(cut) - 1] == " "  # the cut falls between two words
    long = "A server name long enough to need cutting, well past the eighty characters of a label"
    labels = fit_all([f"{long} #alpha", f"{long} #beta", "short"], 80)
    assert len(set(labels)) == 3 and all(len(label) <= 80 for label in labels)
    assert labels[0].endswith("#alpha") and labels[1].endswith("#beta") and labels[2] == "short"


def test_rows_fit_five_by_five_and_nothing_is_dropped() -> None:
    assert [len(r.buttons) for r in layout([buttons(5), buttons(2)])] == [5, 2]
    rows = layout([buttons(30), buttons(2), buttons(2)])
    assert [(len(r.buttons), r.menu) for r in rows] == [(25, True), (5, True), (2, False), (2, False)]
    singles = layout([*(buttons(1) for _ in range(8)), buttons(1)])  # /topics: 8 topics and a switch
    assert [len(r.buttons) for r in singles] == [5, 3, 1] and not any(r.menu for r in singles)
    many = layout([buttons(4) for _ in range(9)])
    assert len(many) <= 5 and sum(len(r.buttons) for r in many) == 36
