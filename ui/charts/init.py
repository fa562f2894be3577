"""Chart builders of the Initialization page: DataFrame in, Altair chart (or pandas Styler) out. No Streamlit.

Every builder takes `lang` and labels axes, legends and titles in that language.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import PALETTE, SPLIT_COLORS, legend, readable
from ui.charts.sizing import MAX_CHART_ROWS, per_series, thin_epochs
from ui.i18n import choice_label, param_label, t

__all__ = ["GROUP_COLORS", "compare_curves_chart", "histogram_chart", "scheme_label", "stats_table",
           "test_scores_chart", "weights_table"]

# row shading of groups of identical units (cycled); units that equal no other unit stay white
GROUP_COLORS = ("#fde0ef", "#deebf7", "#e5f5e0", "#fff2cc", "#efe3f7", "#fde0dd")


def scheme_label(name: str, lang: str) -> str:
    """Display name of a comparison scheme (core.initialization.COMPARE_SCHEMES key)."""
    return t(f"init_scheme_{name}", lang)


def weights_table(table: pd.DataFrame, lang: str):
    """core.initialization.first_steps_table as a Styler: translated step/unit/identical headers, parameter
    values in scientific notation, rows of each group of identical units shaded (one colour per group)."""
    params = [c for c in table.columns if c not in ("step", "unit", "group", "identical")]
    step, unit, same = t("init_col_step", lang), t("init_col_unit", lang), t("init_col_identical", lang)
    names = {c: param_label(c, lang) for c in params}      # fc1.weight[i,0] (zh: fc1 权重[i,0])
    frame = pd.concat([pd.DataFrame({step: table["step"].map(lambda s: f"θ{s}"), unit: table["unit"]}),
                       table[params].rename(columns=names),
                       pd.DataFrame({same: [t("init_yes", lang) if v else "" for v in table["identical"]]},
                                    index=table.index)], axis=1)
    shade = {i: f"background-color: {GROUP_COLORS[g % len(GROUP_COLORS)]}" if same_ else ""
             for i, g, same_ in zip(table.index, table["group"], table["identical"])}

    def paint(row: pd.Series) -> list[str]:
        return [shade[row.name]] * len(row)

    return frame.style.apply(paint, axis=1).format({names[c]: "{:.4e}".format for c in params})


def _name(scheme: str, lang: str, labels: dict[str, str] | None) -> str:
    return (labels or {}).get(scheme) or choice_label("weight_init", scheme, lang)


def histogram_chart(hist: pd.DataFrame, stats: pd.DataFrame, lang: str,
                    labels: dict[str, str] | None = None) -> alt.VConcatChart:
    """One density histogram per scheme, stacked, each as wide as the container, on a shared x axis (the
    spreads compare at a glance); each panel's title gives the theoretical
    and the sample std. `hist`/`stats` come from core.initialization.init_histograms; `labels` may
    name schemes (e.g. 'N(0, 1)'), else the weight_init choice labels are used."""
    panels = []
    for i, row in enumerate(stats.itertuples(index=False)):
        name = _name(row.scheme, lang, labels)
        data = hist[hist["scheme"] == row.scheme]
        title = alt.TitleParams(name, subtitle=t("init_hist_title", lang, theory=row.theory_std,
                                                 sample=row.sample_std))
        color = (SPLIT_COLORS["dev"], SPLIT_COLORS["train"])[i % 2]
        panels.append(alt.Chart(data).mark_bar(color=color, opacity=0.9).encode(
            x=alt.X("bin_start:Q", title=t("init_hist_x", lang), scale=alt.Scale(zero=False)),
            x2="bin_end:Q",
            y=alt.Y("density:Q", title=t("init_hist_y", lang)), y2=alt.datum(0),   # vertical bars from 0
            tooltip=[alt.Tooltip("bin_start:Q", title=t("init_hist_x", lang), format=".3f"),
                     alt.Tooltip("density:Q", title=t("init_hist_y", lang), format=".3f")],
        ).properties(title=title, width="container", height=110))
    return readable(alt.vconcat(*panels).resolve_scale(x="shared"))


def stats_table(stats: pd.DataFrame, lang: str, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The histogram statistics with translated scheme names and column headers."""
    frame = stats.copy()
    frame["scheme"] = [_name(s, lang, labels) for s in frame["scheme"]]
    return frame.rename(columns={c: t(f"init_col_{c}", lang) for c in frame.columns})


def _long_curves(histories: dict[str, pd.DataFrame], split: str, lang: str,
                 max_rows: int = MAX_CHART_ROWS) -> pd.DataFrame:
    """Rows epoch, scheme, loss, accuracy of `split`; each scheme's curve thinned (bins with their extremes,
    first and last epoch kept) so that all of them together stay within max_rows rows."""
    rows = []
    for name, history in histories.items():
        rows.append(pd.DataFrame({"epoch": history["epoch"].to_numpy(), "scheme": scheme_label(name, lang),
                                  "loss": history[f"{split}_loss"].to_numpy(),
                                  "accuracy": history[f"{split}_acc"].to_numpy()}))
    data = pd.concat(rows, ignore_index=True)
    return thin_epochs(data, max_points=per_series(len(histories), max_rows, cap=400), by="scheme",
                       extremes=("loss", "accuracy"))


def compare_curves_chart(histories: dict[str, pd.DataFrame], lang: str, split: str = "train") -> alt.VConcatChart:
    """Loss above accuracy vs epoch of several runs on one `split` ('train' or 'dev'); colour = scheme."""
    data = _long_curves(histories, split, lang)
    order = [scheme_label(n, lang) for n in histories]
    color = alt.Color("scheme:N", title=t("init_scheme", lang), sort=order,
                      scale=alt.Scale(domain=order, scheme=PALETTE), legend=legend(order, t("init_scheme", lang)))
    panels = []
    for metric, title_key in (("loss", "chart_loss"), ("accuracy", "chart_acc")):
        panels.append(alt.Chart(data).mark_line(strokeWidth=2).encode(
            x=alt.X("epoch:Q", title=t("epoch", lang)),
            y=alt.Y(f"{metric}:Q", title=t("init_cmp_axis", lang, metric=t(metric, lang), split=t(split, lang)),
                    scale=alt.Scale(zero=False)),
            color=color,
            tooltip=[alt.Tooltip("scheme:N", title=t("init_scheme", lang)),
                     alt.Tooltip("epoch:Q", title=t("epoch", lang)),
                     alt.Tooltip(f"{metric}:Q", title=t(metric, lang), format=".4f")],
        ).properties(title=t(title_key, lang), width="container", height=220))
    return readable(alt.vconcat(*panels).resolve_scale(color="shared"))


def test_scores_chart(table: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Bars of test accuracy per scheme (core.initialization.compare_table) with a rule at chance (0.5)."""
    data = pd.DataFrame({"scheme": [scheme_label(s, lang) for s in table["scheme"]],
                         "test_acc": table["test_acc"].astype(float)})
    order = list(data["scheme"])
    bars = alt.Chart(data).mark_bar(color=SPLIT_COLORS["train"]).encode(
        x=alt.X("test_acc:Q", title=t("metric_test_acc", lang), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("scheme:N", title=t("init_scheme", lang), sort=order),
        tooltip=[alt.Tooltip("scheme:N", title=t("init_scheme", lang)),
                 alt.Tooltip("test_acc:Q", title=t("metric_test_acc", lang), format=".4f")],
    )
    labels = bars.mark_text(align="left", dx=3).encode(text=alt.Text("test_acc:Q", format=".3f"))
    chance = alt.Chart(pd.DataFrame({"x": [0.5], "what": [t("init_cmp_chance", lang)]})).mark_rule(
        color="#444", strokeDash=[4, 3]).encode(x="x:Q", tooltip=[alt.Tooltip("what:N", title=" ")])
    return readable(alt.layer(bars, labels, chance).properties(title=t("init_cmp_scores_title", lang),
                                                               height=alt.Step(28)))
