"""Chart builders of the Your-data page."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import CLASS_COLORS
from ui.i18n import t


def points_chart(points: pd.DataFrame, lang: str, max_points: int = 5000) -> alt.Chart:
    """Scatter of uploaded points (columns x1, x2, label), coloured by class; at most max_points drawn."""
    shown = points.head(max_points).assign(cls=lambda d: d["label"].astype(int).astype(str))
    return alt.Chart(shown).mark_point(filled=True, size=24, opacity=0.8).encode(
        x=alt.X("x1:Q", scale=alt.Scale(zero=False)), y=alt.Y("x2:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("cls:N", title=t("label", lang), scale=alt.Scale(domain=["0", "1"], range=list(CLASS_COLORS))),
        tooltip=["x1:Q", "x2:Q", alt.Tooltip("cls:N", title=t("label", lang))],
    ).properties(title=t("data_points_title", lang), width=420, height=380)
