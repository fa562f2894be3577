"""Chart builders: pure functions, DataFrame (or array) in, Altair chart (or Vega-Lite dict) out.

`base` holds the Train page's builders (re-exported here); each experiment page's builders live
in their own module of this package (e.g. `ui.charts.gradients`). `sizing` keeps every chart's data
small whatever the run size (thinned epochs, sampled points, binned heatmap cells): no builder hands
Vega-Lite a raw frame of a large run. No Streamlit in this package.
"""

from ui.charts.base import *  # noqa: F403
