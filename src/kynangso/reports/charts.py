"""The report's charts, drawn with matplotlib, as base64 PNG for the HTML page.

Titles and labels are Vietnamese, from the message catalogue (`reports.chart.*`), in DejaVu Sans:
it ships with matplotlib and has every Vietnamese diacritic; drawing fails rather than put boxes in
place of letters when it is missing. Red marks what is under the threshold.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from .. import messages
from .labels import number
from .sources import GRADED
from .tables import Tables

FONT = "DejaVu Sans"
RED, GREY, BLUE = "#c0392b", "#555555", "#2e86c1"


def _t(key: str, **values) -> str:
    return messages.text(f"reports.chart.{key}", **values)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    # fail loudly rather than draw boxes in place of Vietnamese letters
    font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    plt.rcParams.update({"font.family": FONT, "font.size": 10, "axes.titleweight": "bold"})
    return plt


def _png(plt, fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    fig.clf()
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def unit_labels(t: Tables) -> list[str]:
    """'code name' of each unit, in the units table's order."""
    return [f"{c} {n}" for c, n in zip(t.unit_module["unit"], t.unit_module["unit_name"], strict=True)]


def score_boxes(plt, t: Tables) -> str:
    """A box of the graded submissions' scores per module, the threshold dashed."""
    cut = 100 * t.threshold
    ids = list(t.modules["module"])
    if not ids:
        return ""  # nothing released or graded yet: no chart
    graded = t.submissions[t.submissions["state"] == GRADED]
    fig, ax = plt.subplots(figsize=(8, 4))
    data = [graded.loc[graded["module"] == m, "percent"].dropna().to_numpy() for m in ids]
    ax.boxplot(data, tick_labels=ids, showmeans=True)
    ax.axhline(cut, color=RED, linestyle="--", linewidth=1, label=_t("scores.threshold", cut=number(cut)))
    ax.set_title(_t("scores.title"))
    ax.set_xlabel(_t("scores.x"))
    ax.set_ylabel(_t("scores.y"))
    ax.set_ylim(-5, 105)
    ax.legend(loc="lower left")
    ax.tick_params(axis="x", labelrotation=15)
    return _png(plt, fig)


def unit_module_heat(plt, t: Tables) -> str:
    """Mean score per unit and module, units behind in red, cells with no graded submission grey."""
    ids = list(t.modules["module"])
    if not ids:
        return ""
    heat = t.unit_module.set_index("unit")[ids]
    rows = unit_labels(t)
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(rows) + 1.6))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#dddddd")
    im = ax.imshow(np.ma.masked_invalid(heat.to_numpy(dtype=float)), cmap=cmap, vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(ids)), ids, rotation=15)
    ax.set_yticks(range(len(rows)), rows)
    behind = set(t.units.loc[t.units["behind"], "unit"])
    for label, code in zip(ax.get_yticklabels(), heat.index, strict=True):
        if code in behind:
            label.set_color(RED)
            label.set_fontweight("bold")
    for i, row in enumerate(heat.to_numpy(dtype=float)):
        for j, v in enumerate(row):
            if not np.isnan(v):
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7)
    ax.set_title(_t("unit_module.title"))
    ax.set_xlabel(_t("unit_module.x"))
    ax.set_ylabel(_t("unit_module.y"))
    fig.colorbar(im, ax=ax, label=_t("unit_module.scale"), fraction=0.04)
    return _png(plt, fig)


def threshold_bars(plt, labels: list[str], values, cut: float, row_height: float, chart: str) -> str:
    """A horizontal bar per row, first row on top, in red under the threshold, the chart's `empty`
    text where there is no value; a dashed line at the threshold. `chart`: its catalogue group."""
    fig, ax = plt.subplots(figsize=(8, row_height * len(labels) + 1.2))
    values = np.asarray(values, dtype=float)[::-1]
    ax.barh(labels[::-1], np.nan_to_num(values), color=[RED if v < cut else BLUE for v in values])
    for y, v in enumerate(values):
        if np.isnan(v):
            ax.text(1, y, _t(f"{chart}.empty"), va="center", fontsize=8, color=GREY)
    ax.axvline(cut, color=GREY, linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_title(_t(f"{chart}.title"))
    ax.set_xlabel(_t(f"{chart}.x"))
    ax.set_ylabel(_t(f"{chart}.y"))
    return _png(plt, fig)


def charts(t: Tables) -> dict[str, str]:
    """Base64 PNG of each chart: scores, unit_module, skills, completion."""
    plt = _pyplot()
    cut = 100 * t.threshold
    skills = [f"{c} {n}" for c, n in zip(t.skills["competence"], t.skills["competence_name"], strict=True)]
    return {
        "scores": score_boxes(plt, t),
        "unit_module": unit_module_heat(plt, t),
        "skills": threshold_bars(plt, skills, t.skills["mastery"].to_numpy(dtype=float), cut, 0.45, "skills"),
        "completion": threshold_bars(
            plt, unit_labels(t), t.units["completion"].to_numpy(dtype=float), cut, 0.28, "completion"
        ),
    }
