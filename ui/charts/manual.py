"""Chart and table builders of the "Autograd vs manual" page: DataFrame in, Altair chart or Styler out. No Streamlit.

Inputs are the frames of core.manual_checks: compare_gradients, finite_difference_check,
compare_training and summarize_step_times / step_time_ratios. Every builder takes `lang` and labels everything in it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import readable
from ui.charts.sizing import MAX_CHART_ROWS, per_series, thin_epochs
from ui.i18n import param_label, t

__all__ = [
    "FD_TOL",
    "GRAD_TOL",
    "IMPL_COLORS",
    "fd_status",
    "fd_table",
    "grad_compare_chart",
    "gradient_table",
    "step_time_chart",
    "step_time_figures",
    "step_time_table",
    "training_overlay_chart",
]

GRAD_TOL = 1e-10        # hand-written vs autograd, float64: any entry
FD_TOL = 1e-6           # relative error of the centred finite differences (eps 1e-6, float64)
IMPL_COLORS = {"manual": "#f19ec2", "autograd": "#1f4e79"}
IMPLS = ("manual", "autograd")
_STATUS_TINT = {"ok": "#e5f5e0", "zero": "#f0f0f0", "noise": "#deebf7", "kink": "#fff3cd", "mismatch": "#fde0dd"}


def _impl_scale(lang: str, channel: str) -> alt.Scale:
    domain = [t(f"manual_impl_{i}", lang) for i in IMPLS]
    ranges = {"color": [IMPL_COLORS[i] for i in IMPLS], "dash": [[1, 0], [6, 4]], "width": [7, 2]}
    return alt.Scale(domain=domain, range=ranges[channel])


def _param_names(table: pd.DataFrame, lang: str) -> list[str]:
    return [param_label(f"{layer}.{param}", lang) for layer, param in zip(table["layer"], table["param"])]


def _sci(frame: pd.DataFrame, columns: list[str]) -> dict:
    return {c: "{:.3e}".format for c in columns if c in frame.columns}


def _tinted(frame: pd.DataFrame, status: list[str], status_col: str, labels: dict[str, str]):
    codes = dict(zip(frame.index, status))

    def tint(row: pd.Series) -> list[str]:
        return [f"background-color: {_STATUS_TINT[codes[row.name]]}"] * len(row)

    frame[status_col] = [labels[s] for s in status]
    return frame.style.apply(tint, axis=1)


def gradient_table(table: pd.DataFrame, lang: str, tol: float = GRAD_TOL):
    """compare_gradients' table as a Styler: parameter, shape, both L2 norms, max |difference|, relative
    difference and a check column (agrees when max |difference| < tol)."""
    columns = ["manual_grad_l2", "autograd_grad_l2", "max_abs_diff", "rel_diff"]
    frame = pd.DataFrame({t("manual_col_param", lang): _param_names(table, lang),
                          t("manual_col_shape", lang): table["shape"].to_numpy()})
    for c in columns:
        frame[t(f"manual_col_{c}", lang)] = table[c].to_numpy()
    status = ["ok" if d < tol else "mismatch" for d in table["max_abs_diff"]]
    labels = {"ok": "✓ " + t("manual_status_ok", lang), "mismatch": "✗ " + t("manual_status_mismatch", lang)}
    styler = _tinted(frame, status, t("manual_col_status", lang), labels)
    return styler.format(_sci(frame, [t(f"manual_col_{c}", lang) for c in columns]))


def fd_status(table: pd.DataFrame, tol: float = FD_TOL) -> list[str]:
    """One code per row of finite_difference_check's table: "zero" (both gradients exactly 0), "ok"
    (rel_error < tol, or ||g - g_fd|| within 10x the differences' rounding noise fd_noise_l2, which
    grows with |loss|), "noise" (both gradients below 10x that noise: rel_error means nothing),
    "kink" (a pre-activation of this or a later layer sits at a ReLU kink), else "mismatch"."""
    layer_no = table["layer"].str[2:].astype(int)
    kinks = {int(k[2:]): n for k, n in zip(table["layer"], table["near_kink"])}
    status = []
    for row, j in zip(table.itertuples(), layer_no):
        if row.grad_l2 == 0 and row.fd_grad_l2 == 0:
            status.append("zero")
        elif max(row.grad_l2, row.fd_grad_l2) < 10 * row.fd_noise_l2:
            status.append("noise")
        elif row.rel_error < tol or row.rel_error * (row.grad_l2 + row.fd_grad_l2) <= 10 * row.fd_noise_l2:
            status.append("ok")
        elif any(n > 0 for k, n in kinks.items() if k >= j):
            status.append("kink")
        else:
            status.append("mismatch")
    return status


def fd_table(table: pd.DataFrame, lang: str, tol: float = FD_TOL, kinks: bool = True):
    """finite_difference_check's table as a Styler with translated headers and a tinted check column
    (see fd_status). kinks=False leaves out the near_kink column (always 0 without ReLU-type units)."""
    columns = ["entries_checked", "grad_l2", "fd_grad_l2", "rel_error", "fd_noise_l2"] + ["near_kink"] * kinks
    frame = pd.DataFrame({t("manual_col_param", lang): _param_names(table, lang),
                          t("manual_col_shape", lang): table["shape"].to_numpy()})
    for c in columns:
        frame[t(f"manual_col_{c}", lang)] = table[c].to_numpy()
    status = fd_status(table, tol)
    marks = {"ok": "✓ ", "zero": "0 ", "noise": "~ ", "kink": "⚠ ", "mismatch": "✗ "}
    labels = {s: marks[s] + t(f"manual_status_{s}", lang) for s in marks}
    styler = _tinted(frame, status, t("manual_col_status", lang), labels)
    sci = [t(f"manual_col_{c}", lang) for c in ("grad_l2", "fd_grad_l2", "rel_error", "fd_noise_l2")]
    return styler.format(_sci(frame, sci))


def grad_compare_chart(table: pd.DataFrame, lang: str) -> alt.Chart:
    """Horizontal bars: the gradient L2 norm of each parameter (fc1.weight, ...), hand-written and
    autograd side by side (they should be equally long)."""
    names = _param_names(table, lang)
    rows = [pd.DataFrame({"parameter": names, "impl": t(f"manual_impl_{i}", lang),
                          "grad_l2": table[f"{i}_grad_l2"].to_numpy()}) for i in IMPLS]
    data = pd.concat(rows, ignore_index=True)
    impl = t("manual_impl", lang)
    return readable(alt.Chart(data).mark_bar().encode(
        y=alt.Y("parameter:N", title=t("manual_axis_param", lang), sort=names),
        yOffset=alt.YOffset("impl:N", sort=[t(f"manual_impl_{i}", lang) for i in IMPLS]),
        x=alt.X("grad_l2:Q", title=t("manual_axis_grad_l2", lang)),
        color=alt.Color("impl:N", title=impl, scale=_impl_scale(lang, "color")),
        tooltip=[alt.Tooltip("parameter:N", title=t("manual_axis_param", lang)), alt.Tooltip("impl:N", title=impl),
                 alt.Tooltip("grad_l2:Q", title=t("manual_axis_grad_l2", lang), format=".6e")],
    ).properties(title=t("manual_chart_grads", lang), height=alt.Step(11)))


def training_overlay_chart(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Training loss vs epoch of compare_training's frame: hand-written as a wide pale line, autograd
    dashed on top of it, so two identical curves read as one line inside the other. Each line is
    thinned to at most MAX_POINTS epochs (bins with their extremes, first and last epoch kept)."""
    thin = thin_epochs(frame, max_points=per_series(len(IMPLS), MAX_CHART_ROWS), by="implementation",
                       extremes=("train_loss",))
    data = thin.assign(impl=lambda d: d["implementation"].map(lambda i: t(f"manual_impl_{i}", lang)))
    impl, loss = t("manual_impl", lang), t("loss", lang)
    base = alt.Chart(data).mark_line().encode(
        x=alt.X("epoch:Q", title=t("epoch", lang)),
        y=alt.Y("train_loss:Q", title=loss, scale=alt.Scale(zero=False)),
        color=alt.Color("impl:N", title=impl, scale=_impl_scale(lang, "color")),
        strokeDash=alt.StrokeDash("impl:N", title=impl, scale=_impl_scale(lang, "dash")),
        strokeWidth=alt.StrokeWidth("impl:N", title=impl, scale=_impl_scale(lang, "width")),
        tooltip=[alt.Tooltip("impl:N", title=impl), alt.Tooltip("epoch:Q", title=t("epoch", lang)),
                 alt.Tooltip("train_loss:Q", title=loss, format=".10f")],
    )
    layers = [base.transform_filter(alt.datum.implementation == i) for i in IMPLS]
    return readable(alt.layer(*layers).properties(title=t("manual_chart_train", lang), height=300))


def _range(low: float, high: float, fmt: str) -> str:
    return f"{low:{fmt}}–{high:{fmt}}"


def step_time_figures(summary: pd.DataFrame, ratios: pd.DataFrame, hidden: str) -> dict[str, float | str]:
    """One network's figures for the page's summary line: manual, autograd (median ms per step), manual_iqr,
    autograd_iqr ("q1–q3" in ms), ratio (median hand-written / autograd) and ratio_iqr."""
    mine = summary[summary["hidden"] == hidden].set_index("implementation")
    ratio = ratios[ratios["hidden"] == hidden].iloc[0]
    figures: dict[str, float | str] = {}
    for impl in IMPLS:
        figures[impl] = float(mine.at[impl, "seconds_per_step"]) * 1e3
        figures[f"{impl}_iqr"] = _range(mine.at[impl, "q1"] * 1e3, mine.at[impl, "q3"] * 1e3, ".3f")
    return {**figures, "ratio": float(ratio["ratio"]), "ratio_iqr": _range(ratio["ratio_q1"], ratio["ratio_q3"], ".2f")}


def step_time_table(summary: pd.DataFrame, ratios: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per network of core.manual_checks.summarize_step_times / step_time_ratios: hidden layers,
    parameters, ms per step of each implementation and the ratio hand-written / autograd, each cell
    "median (q1–q3)": the middle half of the samples in brackets."""
    frame = pd.DataFrame({t("manual_hidden", lang): ratios["hidden"].to_numpy(),
                          t("manual_time_col_params", lang): ratios["params"].to_numpy()})
    by = summary.set_index(["hidden", "implementation"])
    for impl in IMPLS:
        rows = by.xs(impl, level="implementation").loc[ratios["hidden"]]
        frame[t("manual_time_col_ms", lang, impl=t(f"manual_impl_{impl}", lang))] = [
            f"{m * 1e3:.3f} ({_range(q1 * 1e3, q3 * 1e3, '.3f')})"
            for m, q1, q3 in zip(rows["seconds_per_step"], rows["q1"], rows["q3"])]
    frame[t("manual_time_col_ratio", lang)] = [f"{m:.2f} ({_range(q1, q3, '.2f')})" for m, q1, q3
                                               in zip(ratios["ratio"], ratios["ratio_q1"], ratios["ratio_q3"])]
    return frame


def step_time_chart(frame: pd.DataFrame, lang: str, yours: str | None = None) -> alt.LayerChart:
    """Milliseconds per training step vs parameter count (both log scale), one line per implementation
    through the medians of summarize_step_times' frame, an error bar from q1 to q3 (the middle half of
    the samples) at each network. `yours` (a hidden label like "5,3") marks that network with a ring."""
    data = frame.assign(ms=frame["seconds_per_step"] * 1e3, q1_ms=frame["q1"] * 1e3, q3_ms=frame["q3"] * 1e3,
                        iqr=[_range(a * 1e3, b * 1e3, ".4f") for a, b in zip(frame["q1"], frame["q3"])],
                        extremes=[_range(a * 1e3, b * 1e3, ".4f") for a, b in zip(frame["min"], frame["max"])],
                        impl=frame["implementation"].map(lambda i: t(f"manual_impl_{i}", lang)))
    impl, hidden = t("manual_impl", lang), t("manual_hidden", lang)
    x = alt.X("params:Q", title=t("manual_axis_params", lang), scale=alt.Scale(type="log"))
    color = alt.Color("impl:N", title=impl, scale=_impl_scale(lang, "color"))
    tooltip = [alt.Tooltip("impl:N", title=impl), alt.Tooltip("hidden:N", title=hidden),
               alt.Tooltip("params:Q", title=t("manual_axis_params", lang)),
               alt.Tooltip("ms:Q", title=t("manual_time_median", lang), format=".4f"),
               alt.Tooltip("iqr:N", title=t("manual_time_iqr", lang)),
               alt.Tooltip("extremes:N", title=t("manual_time_extremes", lang))]
    base = alt.Chart(data).encode(
        x=x, y=alt.Y("ms:Q", title=t("manual_axis_ms", lang), scale=alt.Scale(type="log")),
        color=color, tooltip=tooltip,
    )
    bars = alt.Chart(data).mark_errorbar(ticks=True, thickness=2).encode(
        x=x, y=alt.Y("q1_ms:Q", title=t("manual_axis_ms", lang), scale=alt.Scale(type="log")),
        y2="q3_ms:Q", color=color, tooltip=tooltip)
    layers = [bars, base.mark_line(point=True, strokeWidth=2)]
    if yours is not None and (data["hidden"] == yours).any():
        ring = base.transform_filter(alt.datum.hidden == yours).mark_point(size=220, strokeWidth=2, filled=False)
        layers.append(ring)
    return readable(alt.layer(*layers).properties(title=t("manual_chart_time", lang), height=300))
