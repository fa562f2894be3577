"""Chart builders of the Your-data page."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import CLASS_COLORS, legend, readable
from ui.charts.sizing import MAX_SHOWN_POINTS, sample_points
from ui.i18n import t


def points_chart(points: pd.DataFrame, lang: str, max_points: int = MAX_SHOWN_POINTS) -> alt.Chart:
    """Scatter of uploaded points (columns x1, x2, label), coloured by class.

    At most about max_points are drawn: a larger upload is sampled for display, each class keeping its
    share (sample_points), and the subtitle says how many of how many points are shown."""
    sample = sample_points(points, max_points, by=("label",))
    shown = sample.assign(cls=lambda d: d["label"].astype(int).astype(str))
    title: str | alt.TitleParams = t("data_points_title", lang)
    if len(sample) < len(points):
        title = alt.TitleParams(title, subtitle=t("chart_sampled", lang, shown=len(sample),
                                                              total=len(points)).split("\n"))
    return readable(alt.Chart(shown).mark_point(filled=True, size=24, opacity=0.8).encode(
        x=alt.X("x1:Q", scale=alt.Scale(zero=False)), y=alt.Y("x2:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("cls:N", title=t("label", lang), scale=alt.Scale(domain=["0", "1"], range=list(CLASS_COLORS)),
                        legend=legend(["0", "1"], t("label", lang))),
        tooltip=["x1:Q", "x2:Q", alt.Tooltip("cls:N", title=t("label", lang))],
    ).properties(title=title, height=380))
