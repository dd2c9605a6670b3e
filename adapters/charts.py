"""``/stats``'s chart, drawn with matplotlib's headless Agg backend for every messenger (the core's
``ChartRenderer``). matplotlib is imported on the first chart only: starting the bot doesn't pay for it.

The PNG says what it shows: the figures it was drawn from are written into its ``Description`` text chunk,
as JSON, so anyone (a test, an admin's tool) can read them back from the image."""

from __future__ import annotations

import io
import threading
import warnings

from bot.stats import KINDS, MONTH, WEEK, ChartLabels, Figures

WIDTH, HEIGHT, DPI = 8.0, 6.0, 100  # inches and dots per inch: an 800 × 600 image
COLOURS = ("#4c72b0", "#55a868", "#dd8452", "#c44e52", "#8172b3", "#937860")  # one per kind, in KINDS order


class MatplotlibCharts:
    """Two panels: the last 7 days as grouped bars, the last 30 days as lines, one colour per kind."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # pyplot's state is process-wide; the Agg canvas used here is not

    def render(self, figures: Figures, labels: ChartLabels) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        with self._lock, warnings.catch_warnings():
            # a glyph the bundled font lacks (an emoji in a community's title) is drawn as a box, not an error
            warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
            chart = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
            FigureCanvasAgg(chart)
            week, month = chart.subplots(2, 1)
            # a chat's title is anyone's text: "$...$" in it is not TeX (bad TeX failed the whole chart)
            chart.suptitle(f"{figures.community} — {labels.title}", parse_math=False)
            days = figures.days[-WEEK:]
            width = 0.8 / len(KINDS)
            for index, kind in enumerate(KINDS):
                offsets = [day + (index - (len(KINDS) - 1) / 2) * width for day in range(len(days))]
                week.bar(
                    offsets,
                    [d.of(kind) for d in days],
                    width,
                    label=labels.kinds[index],
                    color=COLOURS[index],
                )
                month.plot(
                    range(MONTH),
                    [d.of(kind) for d in figures.days[-MONTH:]],
                    color=COLOURS[index],
                    marker=".",
                )
            week.set_title(labels.week)
            week.set_xticks(range(len(days)), [d.day.strftime("%d/%m") for d in days])
            week.legend(fontsize="small", ncols=3)
            month.set_title(labels.month)
            shown = range(0, MONTH, 5)
            month.set_xticks(list(shown), [figures.days[i].day.strftime("%d/%m") for i in shown])
            for axes in (week, month):
                axes.yaxis.get_major_locator().set_params(integer=True)
                axes.set_ylim(bottom=0)
            chart.tight_layout()
            out = io.BytesIO()
            chart.savefig(
                out, format="png", metadata={"Description": figures.as_json(), "Software": "Murmure"}
            )
        return out.getvalue()
