"""Every number of the report: `compute` turns a cohort's `Sources` into the report's `Tables`.

A pure function of the cohort's data: no file is read or written here. Tables are keyed by English
identifiers (the columns beside each field of `Tables`; a column named after a module holds that
module's values); labels.readable gives them the Vietnamese headings the instructor reads. States of
a submission are `graded`, `failed` (grading-report.csv says it could not be graded) and `missing`.
Only graded submissions count in means and distributions; a written answer awaiting the instructor
counts 0 in its submission's score (as in nbgrader's gradebook) and is counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import messages
from ..authoring import notebook as nbm
from .labels import band, number
from .sources import FAILED, GRADED, MISSING, Sources

DEFAULT_THRESHOLD = 0.5
TOP_MESSAGES = 30
BINS = list(range(0, 101, 10))
BANDS = [band(lo, hi) for lo, hi in zip(BINS[:-1], BINS[1:], strict=True)]


@dataclass
class Tables:
    """The report's tables (their columns beside each field)."""

    summary: pd.DataFrame  # indicator, value
    modules: pd.DataFrame  # module, title, max_score, graded, failed, missing, mean_points, mean_score,
    #                             median_score, lowest_score, highest_score, with_pending
    distribution: pd.DataFrame  # module, band_0_10 ... band_90_100: graded submissions per score band
    units: pd.DataFrame  # unit, unit_name, officials, required, graded, failed, completion, mean_score,
    #                             finished, behind, notes (the 28 units, the district departments, any other code)
    unit_module: pd.DataFrame  # unit, unit_name, one column per module: mean score (%)
    skills: pd.DataFrame  # competence, competence_name, modules, autograded_questions, earned, max_score,
    #                             mastery, written_questions, written_pending (each DigComp competence trained)
    officials: pd.DataFrame  # student, name, unit, unit_name, one column per module (score/max or state),
    #                             total_score, total_max_score, modules_graded, mean_score, notes: the transcript
    submissions: pd.DataFrame  # student, name, unit, module, state, score, max_score, percent, pending, reason
    questions: pd.DataFrame  # module, question, competence, kind, points, scored, full, full_share, mean_score,
    #                             blank, waiting (hardest first)
    messages: pd.DataFrame  # module, question, cell, message, count (most frequent messages of failed tests)
    threshold: float = DEFAULT_THRESHOLD


def pct(num, den):
    """100 * num / den, NaN where den is 0."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    safe = np.where(den > 0, den, 1.0)
    return np.where(den > 0, 100.0 * num / safe, np.nan)


def cell_kinds(src: Sources) -> pd.DataFrame:
    """module, cell, question, kind for every grade cell of the gradebook: the source notebook says
    whether it is a test or a written answer; a cell the source no longer has is judged by its type."""
    k = src.gradecells[["module", "cell", "cell_type", "max_score"]].drop_duplicates(["module", "cell"])
    k = k.merge(src.cells[["module", "cell", "kind"]], on=["module", "cell"], how="left")
    k["kind"] = k["kind"].where(k["kind"].notna(), np.where(k["cell_type"] == "markdown", "manual", "test"))
    k["question"] = pd.Series([nbm.question_of(c) for c in k["cell"]], index=k.index, dtype=object)
    return k.merge(src.questions, on=["module", "question"], how="left")


def submission_table(src: Sources, kinds: pd.DataFrame) -> pd.DataFrame:
    """Every official x module: state, score, percent, written answers awaiting the instructor,
    reason of a failure. The state comes from grading-report.csv, the score from the gradebook."""
    g = src.grades.merge(kinds[["module", "cell", "kind"]], on=["module", "cell"], how="left")
    scores = g.groupby(["student", "module"]).agg(score=("score", "sum"))
    pending = g[(g["kind"] == "manual") & g["needs_manual_grade"]].groupby(["student", "module"]).size()
    subs = src.submissions.drop_duplicates(["student", "module"]).assign(in_gradebook=True)
    status = src.statuses.drop_duplicates(["student", "module"], keep="last")
    t = pd.MultiIndex.from_product(
        [src.roster["student"], src.modules["module"]], names=["student", "module"]
    ).to_frame(index=False)
    t = t.merge(subs, on=["student", "module"], how="left").merge(status, on=["student", "module"], how="left")
    failed = (t["status"] == FAILED).to_numpy()
    graded = t["in_gradebook"].fillna(False).astype(bool).to_numpy() & ~failed
    t["state"] = np.where(failed, FAILED, np.where(graded, GRADED, MISSING))
    key = pd.MultiIndex.from_frame(t[["student", "module"]])
    t["score"] = np.where(graded, scores["score"].reindex(key).fillna(0.0).to_numpy(), np.nan)
    t["pending"] = np.where(graded, pending.reindex(key).fillna(0).to_numpy(), 0).astype(int)
    t["reason"] = np.where(failed, t["reason"].fillna("").astype(object), "")
    t = t.merge(src.modules[["module", "max_score"]], on="module", how="left")
    t["percent"] = pct(t["score"], t["max_score"])
    t = t.merge(src.roster[["student", "ho_ten", "ma_don_vi"]], on="student", how="left")
    t = t.rename(columns={"ho_ten": "name", "ma_don_vi": "unit"})
    return t[["student", "name", "unit", "module", "state", "score", "max_score", "percent", "pending", "reason"]]


def module_tables(src: Sources, subs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per module (counts of each state, scores of the graded submissions), and the
    distribution of those scores in bands of 10%."""
    ids = src.modules["module"]
    graded = subs[subs["state"] == GRADED]
    counts = pd.crosstab(subs["module"], subs["state"]).reindex(
        index=ids, columns=[GRADED, FAILED, MISSING], fill_value=0
    )
    p = graded.groupby("module")["percent"]
    modules = pd.DataFrame(
        {
            "module": ids.to_numpy(),
            "title": src.modules["title"].to_numpy(),
            "max_score": src.modules["max_score"].to_numpy(),
            "graded": counts[GRADED].to_numpy(),
            "failed": counts[FAILED].to_numpy(),
            "missing": counts[MISSING].to_numpy(),
            "mean_points": graded.groupby("module")["score"].mean().reindex(ids).to_numpy(),
            "mean_score": p.mean().reindex(ids).to_numpy(),
            "median_score": p.median().reindex(ids).to_numpy(),
            "lowest_score": p.min().reindex(ids).to_numpy(),
            "highest_score": p.max().reindex(ids).to_numpy(),
            "with_pending": graded[graded["pending"] > 0]
            .groupby("module")
            .size()
            .reindex(ids, fill_value=0)
            .to_numpy(),
        }
    )
    bands = np.minimum((graded["percent"].to_numpy() // 10).astype(int), 9)  # 100% joins the top band
    dist = pd.crosstab(graded["module"].to_numpy(), bands).reindex(index=ids, columns=range(10), fill_value=0)
    dist.columns = BANDS
    dist = dist.rename_axis(index="module").reset_index()
    return modules, dist


def behind_notes(units: pd.DataFrame, threshold: float) -> tuple[list[bool], list[str]]:
    """Whether each unit is behind (it has officials, and its completion or mean score is under
    the threshold, or nothing of it is graded), and why, in words."""
    cut = 100 * threshold
    values = {"cut": f"{cut:g}"}
    notes, behind = [], []
    for n, completion, mean in zip(units["officials"], units["completion"], units["mean_score"], strict=True):
        why = []
        if n == 0:
            why.append(messages.text("reports.note.no_officials"))
        else:
            if not completion >= cut:
                why.append(messages.text("reports.note.completion_below", **values))
            if np.isnan(mean):
                why.append(messages.text("reports.note.nothing_graded"))
            elif mean < cut:
                why.append(messages.text("reports.note.mean_below", **values))
        behind.append(n > 0 and bool(why))
        notes.append(messages.text("reports.note.separator").join(why))
    return behind, notes


def unit_tables(src: Sources, subs: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per unit (officials, completion, mean score, whether behind), and unit x module mean scores."""
    codes = src.units["ma_don_vi"]
    graded = subs[subs["state"] == GRADED]
    people = src.roster.groupby("ma_don_vi").size().reindex(codes, fill_value=0)
    required = people * len(src.modules)
    done = graded.groupby("unit").size().reindex(codes, fill_value=0)
    finished = (subs["state"] == GRADED).groupby([subs["unit"], subs["student"]]).all()
    units = pd.DataFrame(
        {
            "unit": codes.to_numpy(),
            "unit_name": src.units["ten_don_vi"].to_numpy(),
            "officials": people.to_numpy(),
            "required": required.to_numpy(),
            "graded": done.to_numpy(),
            "failed": subs[subs["state"] == FAILED].groupby("unit").size().reindex(codes, fill_value=0).to_numpy(),
            "completion": pct(done, required),
            "mean_score": graded.groupby("unit")["percent"].mean().reindex(codes).to_numpy(),
            "finished": finished.groupby(level=0).sum().reindex(codes, fill_value=0).astype(int).to_numpy(),
        }
    )
    units["behind"], units["notes"] = behind_notes(units, threshold)
    heat = graded.pivot_table(index="unit", columns="module", values="percent", aggfunc="mean")
    heat = heat.reindex(index=codes, columns=src.modules["module"])
    heat = heat.rename_axis(index="unit", columns=None).reset_index()
    heat.insert(1, "unit_name", src.units["ten_don_vi"].to_numpy())
    return units, heat


def graded_cells(src: Sources, subs: pd.DataFrame, kinds: pd.DataFrame) -> pd.DataFrame:
    """The gradebook's grades of the graded submissions, with kind, question and competence."""
    ok = subs.loc[subs["state"] == GRADED, ["student", "module"]]
    g = src.grades[["student", "module", "cell", "score", "needs_manual_grade", "auto_score", "manual_score"]]
    g = g.merge(ok, on=["student", "module"])
    g["blank"] = (g["auto_score"] == 0) & g["manual_score"].isna() & ~g["needs_manual_grade"]
    return g.merge(kinds[["module", "cell", "kind", "question", "competence", "max_score"]], on=["module", "cell"])


def skill_table(src: Sources, kinds: pd.DataFrame, g: pd.DataFrame) -> pd.DataFrame:
    """Mastery per competence: points earned / points possible over its autograded (test) cells
    in graded submissions. Written answers are listed apart: the instructor grades them."""
    names = dict(zip(src.competences["competence"], src.competences["name"], strict=True))
    q = (
        kinds.groupby(["module", "question"])
        .agg(competence=("competence", "first"), auto=("kind", lambda k: (k == "test").any()))
        .reset_index()
    )
    q = q[q["competence"].notna()]
    trained = sorted(set(q["competence"]), key=lambda c: [int(x) if x.isdigit() else x for x in c.split(".")])
    auto = g[g["kind"] == "test"]
    earned = auto.groupby("competence")["score"].sum().reindex(trained, fill_value=0.0)
    possible = auto.groupby("competence")["max_score"].sum().reindex(trained, fill_value=0.0)
    written = g[(g["kind"] == "manual") & g["needs_manual_grade"]]
    return pd.DataFrame(
        {
            "competence": trained,
            "competence_name": [names.get(c, c) for c in trained],
            "modules": [", ".join(sorted(set(q.loc[q["competence"] == c, "module"]))) for c in trained],
            "autograded_questions": [int(((q["competence"] == c) & q["auto"]).sum()) for c in trained],
            "earned": earned.to_numpy(),
            "max_score": possible.to_numpy(),
            "mastery": pct(earned, possible),
            "written_questions": [int(((q["competence"] == c) & ~q["auto"]).sum()) for c in trained],
            "written_pending": written.groupby("competence").size().reindex(trained, fill_value=0).to_numpy(),
        }
    )


def question_table(src: Sources, kinds: pd.DataFrame, g: pd.DataFrame) -> pd.DataFrame:
    """Autograded questions, hardest first (share of graded submissions with full points on the
    question), then the written ones; a written answer awaiting the instructor is neither a success
    nor a failure, it is counted apart. A blank written answer is one nbgrader scored 0 at once
    (left as released)."""
    qs = (
        kinds.groupby(["module", "question"], sort=False)
        .agg(
            competence=("competence", "first"),
            points=("max_score", "sum"),
            manual=("kind", lambda k: not (k == "test").any()),
        )
        .reset_index()
    )
    per = (
        g.groupby(["module", "question", "student"])
        .agg(
            score=("score", "sum"),
            max_score=("max_score", "sum"),
            waiting=("needs_manual_grade", "any"),
            manual=("kind", lambda k: not (k == "test").any()),
            blank=("blank", "all"),
        )
        .reset_index()
    )
    if per.empty:  # nothing graded yet (a cohort's first week): the same columns, no rows
        per = pd.DataFrame(
            {"module": [], "question": [], "student": [], "score": [], "max_score": []}, dtype=object
        ).assign(waiting=pd.Series(dtype=bool), manual=pd.Series(dtype=bool), blank=pd.Series(dtype=bool))
    waiting = per["waiting"] & per["manual"]
    scored = per[~waiting].assign(full=lambda d: d["score"] >= d["max_score"] - 1e-9)
    by = scored.groupby(["module", "question"])
    key = pd.MultiIndex.from_frame(qs[["module", "question"]])
    n = by.size().reindex(key, fill_value=0).to_numpy()
    full = by["full"].sum().reindex(key, fill_value=0).to_numpy()
    questions = pd.DataFrame(
        {
            "module": qs["module"].to_numpy(),
            "question": qs["question"].to_numpy(),
            "competence": qs["competence"].fillna("").to_numpy(),
            "kind": np.where(qs["manual"], "manual", "test"),
            "points": qs["points"].to_numpy(),
            "scored": n,
            "full": full,
            "full_share": pct(full, n),
            "mean_score": pct(
                by["score"].sum().reindex(key, fill_value=0).to_numpy(),
                by["max_score"].sum().reindex(key, fill_value=0).to_numpy(),
            ),
            "blank": (
                src.blanks.groupby(["module", "question"]).size().reindex(key, fill_value=0)
                + per[per["manual"] & per["blank"]].groupby(["module", "question"]).size().reindex(key, fill_value=0)
            ).to_numpy(),
            "waiting": per[waiting].groupby(["module", "question"]).size().reindex(key, fill_value=0).to_numpy(),
        }
    )
    order = {m: i for i, m in enumerate(src.modules["module"])}
    return (
        questions.assign(
            _k=qs["manual"].to_numpy(),
            _m=questions["module"].map(order),
            _q=[int(q[1:]) if q[1:].isdigit() else 0 for q in questions["question"]],
        )
        .sort_values(["_k", "full_share", "_m", "_q"], na_position="last", kind="stable")
        .drop(columns=["_k", "_m", "_q"])
        .reset_index(drop=True)
    )


def message_table(src: Sources) -> pd.DataFrame:
    """The most frequent messages of failed test cells, most frequent first."""
    top = (
        src.errors.groupby(["module", "question", "cell", "message"])
        .size()
        .rename("count")
        .reset_index()
        .sort_values(["count", "module", "cell", "message"], ascending=[False, True, True, True], kind="stable")
        .head(TOP_MESSAGES)
    )
    return top[["module", "question", "cell", "message", "count"]].reset_index(drop=True)


def official_notes(subs: pd.DataFrame) -> dict[str, str]:
    """Per official: the reason of each failed submission, and the written answers awaiting the instructor."""
    notes: dict[str, list[str]] = {}
    rows = zip(subs["student"], subs["module"], subs["state"], subs["reason"], subs["pending"], strict=True)
    for s, m, st, reason, waiting in rows:
        if st == FAILED:
            notes.setdefault(s, []).append(messages.text("reports.note.failed", module=m, reason=reason))
        elif waiting:
            notes.setdefault(s, []).append(messages.text("reports.note.pending", module=m, count=waiting))
    return {s: " ".join(texts) for s, texts in notes.items()}


def official_table(src: Sources, subs: pd.DataFrame) -> pd.DataFrame:
    """The transcript: one row per official, by unit; a module's cell is `score/max` once graded,
    else the submission's state."""
    ids = list(src.modules["module"])
    graded = subs[subs["state"] == GRADED]
    text = [
        f"{number(s)}/{number(m)}" if st == GRADED else st
        for st, s, m in zip(subs["state"], subs["score"], subs["max_score"], strict=True)
    ]
    wide = subs.assign(text=text).pivot(index="student", columns="module", values="text").reindex(columns=ids)
    off = src.roster[["student", "ho_ten", "ma_don_vi"]].merge(src.units, on="ma_don_vi", how="left")
    off = off.rename(columns={"ho_ten": "name", "ma_don_vi": "unit", "ten_don_vi": "unit_name"})
    off = off.join(wide, on="student")
    who = off["student"]
    off["total_score"] = graded.groupby("student")["score"].sum().reindex(who, fill_value=0.0).to_numpy()
    off["total_max_score"] = float(src.modules["max_score"].sum())
    off["modules_graded"] = graded.groupby("student").size().reindex(who, fill_value=0).to_numpy()
    off["mean_score"] = graded.groupby("student")["percent"].mean().reindex(who).to_numpy()
    notes = official_notes(subs)
    off["notes"] = [notes.get(s, "") for s in who]
    place = {c: i for i, c in enumerate(src.units["ma_don_vi"])}
    return (
        off.assign(_u=off["unit"].map(place))
        .sort_values(["_u", "student"], kind="stable")
        .drop(columns="_u")
        .reset_index(drop=True)
    )


def summary_table(src: Sources, subs: pd.DataFrame, units: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The cohort's overview: one row per indicator."""
    graded = subs[subs["state"] == GRADED]
    required = len(src.roster) * len(src.modules)
    return pd.DataFrame(
        [
            ("officials", len(src.roster)),
            ("units_with_officials", int((units["officials"] > 0).sum())),
            ("modules", len(src.modules)),
            ("required", required),
            ("graded", len(graded)),
            ("failed", int((subs["state"] == FAILED).sum())),
            ("missing", int((subs["state"] == MISSING).sum())),
            ("completion", float(pct(len(graded), required))),
            ("mean_score", float(graded["percent"].mean()) if len(graded) else np.nan),
            ("finished", int(units["finished"].sum())),
            ("with_pending", int((graded["pending"] > 0).sum())),
            ("threshold", 100 * threshold),
        ],
        columns=["indicator", "value"],
    )


def compute(src: Sources, threshold: float = DEFAULT_THRESHOLD) -> Tables:
    """Every number of the report, from the cohort's data alone."""
    kinds = cell_kinds(src)
    subs = submission_table(src, kinds)
    g = graded_cells(src, subs, kinds)
    modules, distribution = module_tables(src, subs)
    units, unit_module = unit_tables(src, subs, threshold)
    return Tables(
        summary=summary_table(src, subs, units, threshold),
        modules=modules,
        distribution=distribution,
        units=units,
        unit_module=unit_module,
        skills=skill_table(src, kinds, g),
        officials=official_table(src, subs),
        submissions=subs,
        questions=question_table(src, kinds, g),
        messages=message_table(src),
        threshold=threshold,
    )
