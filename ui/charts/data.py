"""Chart builders of the Your-data page."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import VALUE_SCHEME, class_colors, legend, readable
from ui.charts.sizing import MAX_SHOWN_POINTS, sample_points
from ui.i18n import t


def points_chart(points: pd.DataFrame, lang: str, max_points: int = MAX_SHOWN_POINTS) -> alt.Chart:
    """Scatter of uploaded points (columns x1, x2, label), coloured by class: integer labels are classes (the
    file's own labels, one colour each), float labels a regression target (a diverging colour scale around 0).

    At most about max_points are drawn: a larger upload is sampled for display, each class keeping its
    share (sample_points; a target is sampled without strata), and the subtitle says how many of how many
    points are shown."""
    classes = points["label"].dtype.kind in "iub"
    sample = sample_points(points, max_points, by=("label",) if classes else ())
    title: str | alt.TitleParams = t("data_points_title", lang)
    if len(sample) < len(points):
        title = alt.TitleParams(title, subtitle=t("chart_sampled", lang, shown=len(sample),
                                                              total=len(points)).split("\n"))
    if classes:
        names = [str(v) for v in sorted(points["label"].unique())]
        shown = sample.assign(cls=lambda d: d["label"].astype(int).astype(str))
        color = alt.Color("cls:N", title=t("label", lang), legend=legend(names, t("label", lang)),
                          scale=alt.Scale(domain=names, range=class_colors(len(names))))
        tip = alt.Tooltip("cls:N", title=t("label", lang))
    else:
        shown = sample
        reach = float(points["label"].abs().max()) or 1.0
        color = alt.Color("label:Q", title=t("target", lang),
                          scale=alt.Scale(scheme=VALUE_SCHEME, domain=[-reach, reach]),
                          legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=160))
        tip = alt.Tooltip("label:Q", title=t("target", lang), format=".4g")
    return readable(alt.Chart(shown).mark_point(filled=True, size=24, opacity=0.8).encode(
        x=alt.X("x1:Q", scale=alt.Scale(zero=False)), y=alt.Y("x2:Q", scale=alt.Scale(zero=False)),
        color=color, tooltip=["x1:Q", "x2:Q", tip],
    ).properties(title=title, height=380))
