"""``/stats``: the figures of the last 7 and 30 days, counted as things happen, sent as a PNG chart and as
text; the image (decoded) and the text agree with the counters stored."""

from __future__ import annotations

import json
from datetime import timedelta

from adapters.charts import MatplotlibCharts
from bot.actions import Report
from bot.messages import Say
from bot.model import ReportReason
from bot.stats import KINDS, StatKind
from tests.core.harness import GROUP, Harness, post_action, text_of
from tests.png import decode


async def _a_busy_week(h: Harness) -> None:
    await h.post("u1", "Posted and published on the first day.")
    await h.post("u2", "Posted, published, then reported and removed.")
    reported = max(h.db.state.secrets)
    await h.press("u3", Report(h.token(reported), ReportReason.SPAM))
    await h.service.sanction(h.actor("u6"), GROUP, "remove", str(h.db.state.secrets[reported].number))
    await h.press("u3", post_action(await h.service.text(h.actor("u3"), "REVIEWME: held for the moderators")))
    await h.service.text(h.actor("u4"), "BLOCKME, refused by the filter")
    h.clock.advance(days=3)
    await h.post("u5", "Posted three days later.")


async def test_stats_send_a_chart_and_text_that_agree_with_the_counters() -> None:
    h = await Harness(charts=MatplotlibCharts()).setup()
    await _a_busy_week(h)
    assert "Only the admins" in text_of(await h.service.sanction(h.actor("u1"), GROUP, "stats"))

    answer = await h.service.sanction(h.actor("u6"), GROUP, "stats")
    chart, text = (r.message for r in answer if isinstance(r, Say))
    stored = h.db.state.stats  # (community, local day, kind) -> count: what the database holds
    today, first = h.clock.now().date(), (h.clock.now() - timedelta(days=3)).date()
    assert stored == {
        (1, first.isoformat(), StatKind.POSTED): 3,  # the held secret was posted too
        (1, first.isoformat(), StatKind.PUBLISHED): 2,
        (1, first.isoformat(), StatKind.HELD): 1,
        (1, first.isoformat(), StatKind.BLOCKED): 1,
        (1, first.isoformat(), StatKind.REPORTED): 1,
        (1, first.isoformat(), StatKind.REMOVED): 1,
        (1, today.isoformat(), StatKind.POSTED): 1,
        (1, today.isoformat(), StatKind.PUBLISHED): 1,
    }

    # the image: a real 800 x 600 PNG, drawn from figures that are the stored counters, day by day
    assert chart.document is not None and chart.document.name.endswith(".png")
    assert chart.document.media_type == "image/png"
    png = decode(chart.document.content)
    assert (png.width, png.height) == (800, 600) and len(set(png.pixels)) > 10
    drawn = json.loads(png.text["Description"])
    assert drawn["kinds"] == [kind.value for kind in KINDS] and len(drawn["days"]) == 30
    from_db = {day: [stored.get((1, day, kind), 0) for kind in KINDS] for day in drawn["days"]}
    assert drawn["days"] == from_db and sum(map(sum, from_db.values())) == sum(stored.values())

    # the text: the same totals, for the week and the month
    shown = text.text.plain_text
    for kind in KINDS:
        total = sum(n for (_, _, k), n in stored.items() if k is kind)
        assert f"• {kind.value}: {total} in 7 days, {total} in 30 days" in shown, shown
    assert "• posted: 4 in 7 days" in shown
    assert (
        f"{first.isoformat()}: posted 3 · published 2 · held 1 · blocked 1 · reported 1 · removed 1" in shown
    )


async def test_stats_speak_french_and_count_nothing_about_who() -> None:
    h = await Harness(charts=MatplotlibCharts()).setup()
    await h.post("u1", "Un secret pour les chiffres.")
    answer = text_of(await h.service.sanction(h.actor("u6", "fr"), GROUP, "stats"))
    assert "• envoyés : 1 en 7 jours, 1 en 30 jours" in answer and "publiés : 1" in answer
    assert all(len(key) == 3 and isinstance(n, int) for key, n in h.db.state.stats.items())


async def test_a_title_with_dollar_signs_is_drawn_as_written() -> None:
    """A chat's title is anyone's text: matplotlib would read "$...$" in it as TeX and fail on bad TeX."""
    h = await Harness(charts=MatplotlibCharts()).setup()
    h.directory.admins["g2"] = {"u6"}
    await h.service.register_community("test", "g2", r"Tips $\frac and $5 deals")
    answer = await h.service.sanction(h.actor("u6"), "g2", "stats")
    chart, text = (r.message for r in answer if isinstance(r, Say))
    assert chart.document is not None and decode(chart.document.content).width == 800
    assert r"Tips $\frac and $5 deals: the last 7 and 30 days" in text.text.plain_text
