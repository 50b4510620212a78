"""An interactive app: pick a county and a policy mix, move the levers, watch households leave poverty.

Launch it in the browser with `.venv/bin/solara run sim.app` (http://localhost:8765), or show it in a
notebook cell with `from sim.app import App; App()`.

The app is written on Solara directly rather than on Mesa's `SolaraViz`: `SolaraViz` rebuilds a model
from keyword arguments with no validation step and no place for its messages, while a run here is
built from a config composed and validated exactly as the command line does it (`sim.config.load`),
beside a cached `none` run of the same seed; its play/step controller and sidebar are kept in spirit.

Everything a browser is not needed for (composing, validating, stepping, the baseline, the exports,
the figures) lives in `Session` and plain functions, which the notebook and the tests use directly.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import threading
import time
import traceback
import typing
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import solara

from sim import measures
from sim.api import table as monthly_table
from sim.config import CONF_DIR, load
from sim.model import PovertyModel
from sim.outputs import config_yaml, run_table
from sim.plots import channel_colour, channel_label, time_axis
from sim.programmes import levers as programme_classes
from sim.state import SKILL_NAMES, Role
from sim.summary import left_behind
from sim.validate import ConfigError, override_problems

DEFAULTS = {"region": "yunxi", "policy": "full_mix", "seed": 0, "scale": 0.1, "months": 60}

# The levers a policy maker moves first, per programme (dotted paths under `policy.<programme>`).
# A programme not listed shows its first numeric settings, so a new programme appears by itself.
MAIN_LEVERS: dict[str, tuple[str, ...]] = {  # in the order the sidebar shows them
    "workshops": ("award_per_worker",),
    "labour_cooperation": (
        "transport_subsidy_share",
        "job_search_subsidy",
        "fairs_per_year",
        "placements_per_labourer_month",
    ),
    "welfare_posts": ("posts_per_labourer", "monthly_pay"),
    "training": ("general.places_per_labourer_month", "allowance_per_day"),
    "tech_school": ("places_per_labourer_year",),
    "local_employers": ("award_per_worker",),
    "entrepreneurship": ("startup_subsidy", "loan"),
    "flexible_work": ("jobs_per_labourer", "pay"),
    "employment_services": ("offer_rounds_per_year",),
    "return_monitoring": ("detection_rate",),
    "rewards": ("amount",),
    "social_security": ("take_up",),
    "targeting": ("identified_share",),
}
FALLBACK_LEVERS = 3
SKILL_LABELS = dict(enumerate(s.replace("_", " ") for s in SKILL_NAMES))
MONTHS_PER_DRAW = 3  # Run steps this many months between two drawings of the page
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_hydra_lock = threading.Lock()  # Hydra's global state: one composition at a time across sessions


# ---------------------------------------------------------------------- config: options and levers
def options(group: str) -> list[str]:
    """The options of a config group (`region`, `policy`): its files under conf/."""
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


def load_config(overrides: list[str] | tuple[str, ...]):
    """`sim.config.load`, the composition and validation of the command line; raises `ConfigError`
    for command-line problems (unknown keys, wrong types) and for values the validator refuses."""
    problems = override_problems(list(overrides))
    if problems:
        raise ConfigError(problems)
    return _load_cached(tuple(overrides))


@functools.lru_cache(maxsize=64)
def _load_cached(overrides: tuple[str, ...]):
    with _hydra_lock:
        return load(list(overrides))


@dataclass(frozen=True)
class Lever:
    """One setting of an enabled programme, with its unit and allowed range from the schema."""

    programme: str
    path: str  # under policy.<programme>
    kind: type  # int, float or bool
    value: typing.Any  # the mix's value
    unit: str
    ge: float | None
    le: float | None

    @property
    def key(self) -> str:
        return f"policy.{self.programme}.{self.path}"

    @property
    def label(self) -> str:
        parts = self.path.split(".")
        text = parts[-1].replace("_", " ")
        if len(parts) > 1:
            text += f" ({' '.join(parts[:-1])} courses)" if self.programme == "training" else f" ({parts[0]})"
        return text[0].upper() + text[1:]

    @property
    def allowed(self) -> str:
        if self.kind is bool:
            return "on or off"
        lo, hi = _number(self.ge), _number(self.le)
        if lo is not None and hi is not None:
            return f"allowed {lo} to {hi}"
        if lo is not None:
            return f"allowed at least {lo}"
        return f"allowed at most {hi}" if hi is not None else "any number"

    @property
    def hint(self) -> str:
        return f"{self.unit}; {self.allowed}"

    def override(self, text: str) -> str:
        return f"{self.key}={text.strip()}"


def _number(x: float | None) -> str | None:
    if x is None:
        return None
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def run_field_hint(name: str) -> str:
    """Unit and allowed range of a top-level run setting (seed, scale, months), from the schema."""
    from sim.schema import RunBase

    meta = {f.name: f.metadata for f in dataclasses.fields(RunBase)}[name]
    return Lever("", name, float, None, meta["unit"], meta.get("ge"), meta.get("le")).hint


def mix_title(name: str) -> str:
    return name.replace("_", " ")


def programme_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def levers(cfg) -> list[Lever]:
    """The main levers of every programme the config's mix enables, with the mix's values."""
    out = []
    first = list(MAIN_LEVERS)
    for cls in sorted(programme_classes(), key=lambda c: first.index(c.name) if c.name in first else len(first)):
        settings = getattr(cfg.policy, cls.name)
        if not settings.enabled:
            continue
        paths = MAIN_LEVERS.get(cls.name) or _numeric_fields(settings)[:FALLBACK_LEVERS]
        for path in paths:
            lever = _lever(cls.name, settings, path)
            if lever is not None:
                out.append(lever)
    return out


def _numeric_fields(settings) -> list[str]:
    hints = typing.get_type_hints(type(settings))
    return [f.name for f in dataclasses.fields(settings) if hints[f.name] in (int, float)]


def _lever(programme: str, settings, path: str) -> Lever | None:
    obj, parts = settings, path.split(".")
    for part in parts[:-1]:
        obj = getattr(obj, part)
    fields = {f.name: f for f in dataclasses.fields(obj)}
    field = fields.get(parts[-1])
    if field is None:
        return None
    kind = typing.get_type_hints(type(obj))[field.name]
    value = getattr(obj, field.name)
    if kind not in (int, float, bool) or isinstance(value, (dict, list)):  # a dated schedule: not a simple lever
        return None
    meta = field.metadata
    return Lever(programme, path, kind, value, meta.get("unit", ""), meta.get("ge"), meta.get("le"))


def format_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def command_line(overrides: list[str]) -> str:
    """The command that reproduces a run with these overrides."""
    return " ".join([".venv/bin/python -m sim", *overrides])


# ---------------------------------------------------------------------- the baseline
def baseline_overrides(overrides: list[str]) -> list[str]:
    """The same county, seed, scale and horizon with no programme (settings of the mix dropped)."""
    return [o for o in overrides if not o.startswith("policy")] + ["policy=none"]


@functools.lru_cache(maxsize=16)
def _baseline(overrides: tuple[str, ...]) -> pd.DataFrame:
    model = PovertyModel(load_config(overrides), agents=False)
    model.run()
    return measures.county_level(monthly_table(model))


def baseline(overrides: list[str]) -> pd.DataFrame:
    """The `none` run of the same seed, computed once per county, seed, scale and horizon (county level)."""
    return _baseline(tuple(baseline_overrides(overrides)))


# ---------------------------------------------------------------------- one run
class Session:
    """One run in the app: built from overrides as the command line builds it, stepped month by
    month, with the baseline beside it and each household's income per person kept for the panel."""

    def __init__(self, overrides: list[str]):
        self.overrides = list(overrides)
        self.cfg = load_config(self.overrides)  # raises ConfigError before anything is built
        self.model = PovertyModel(self.cfg)
        self.baseline = baseline(self.overrides)
        self.agents = {a.index: a for a in self.model.agents}
        self.income_history = [self.model.income_per_capita.copy()]
        self.seconds = 0.0
        # The Run button steps in a thread while the page draws: stepping and every read hold this lock.
        self.lock = threading.RLock()

    @property
    def month(self) -> int:
        return self.model.t

    @property
    def done(self) -> bool:
        return self.model.t >= self.cfg.months

    def step(self, months: int = 1) -> None:
        start = time.perf_counter()
        with self.lock:
            for _ in range(months):
                if self.done:
                    break
                self.model.step()
                self.income_history.append(self.model.income_per_capita.copy())
        self.seconds += time.perf_counter() - start

    def locked(self, read, *args):
        """`read(*args)` while no month is being stepped."""
        with self.lock:
            return read(*args)

    def table(self) -> pd.DataFrame:
        """The monthly table so far, at county level."""
        return measures.county_level(monthly_table(self.model))

    def export_table(self) -> pd.DataFrame:
        """The table as `python -m sim` writes it (simulation scale, with the run's identity)."""
        return run_table(self.model, self.overrides)

    def config_yaml(self) -> str:
        return config_yaml(self.cfg)

    def command_line(self) -> str:
        return command_line(self.overrides)

    def date(self, month: int | None = None) -> str:
        month = self.month if month is None else month
        if month == 0:
            return f"start of {self.cfg.start_year}"
        return f"{MONTH_NAMES[(month - 1) % 12]} {self.cfg.start_year + (month - 1) // 12}"

    def headline(self) -> dict:
        now = self.model.latest
        scale = self.cfg.scale
        base = self.baseline.iloc[min(self.month, len(self.baseline) - 1)]
        return {
            "month": self.month,
            "date": self.date(),
            "poor_people": now["poor_people"] / scale,
            "poor_people_none": float(base["poor_people"]),
            "poor_people_start": monthly_table(self.model)["poor_people"].iloc[0] / scale,
            "spend_total": monthly_table(self.model)["spend_total"].sum() / scale,
        }

    # ---- the household panel
    def default_household(self) -> int:
        """A household poor at the start with at least one labourer (the first such)."""
        h, p = self.model.households, self.model.people
        has_labourer = np.bincount(p.hh[p.role == Role.LABOURER], minlength=h.n) > 0
        candidates = np.flatnonzero(h.initially_poor & has_labourer)
        return int(candidates[0]) if candidates.size else 0

    def random_poor_household(self, draw: int) -> int:
        h = self.model.households
        poor = np.flatnonzero(h.poor)
        if not poor.size:
            return self.default_household()
        return int(np.random.default_rng([self.cfg.seed, draw]).choice(poor))

    def household(self, index: int) -> dict:
        """What the panel shows of household `index` this month."""
        agent = self.agents[index]
        members = agent.member_table()
        members = pd.DataFrame(
            {
                "age": members["age"],
                "sex": np.where(members["female"], "F", "M"),
                "role": members["role"],
                "health": members["health"],
                "schooling": [SKILL_LABELS[int(s)] for s in members["skill"]],
                "bound carer": np.where(members["bound_carer"], "yes", ""),
                "work this month": [
                    "-" if w == "-" else ("farm only" if w == "farm" else channel_label(w)) for w in members["work"]
                ],
                "earnings (yuan/month)": members["earnings"].round(0).astype(int),
            }
        )
        history = np.array([month[index] for month in self.income_history])
        return {
            "index": index,
            "month": self.month,
            "date": self.date(),
            "village": agent.village,
            "size": agent.size,
            "poor": agent.poor,
            "initially_poor": bool(self.model.households.initially_poor[index]),
            "income_per_capita": agent.income_per_capita,
            "line": float(self.model.line),
            "members": members,
            "history": history,
            "lines": monthly_table(self.model)["poverty_line"].to_numpy(),
        }


# ---------------------------------------------------------------------- figures
def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def _years(session: Session, table: pd.DataFrame):
    return time_axis(table, session.cfg.start_year)


def _horizon(ax, session: Session) -> None:
    ax.set_xlim(session.cfg.start_year, session.cfg.start_year + session.cfg.months / 12)
    ax.set_xlabel("year")
    ax.grid(alpha=0.3)


def poverty_figure(session: Session) -> tuple[bytes, str]:
    table, base = session.table(), session.baseline
    fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
    ax.plot(_years(session, base), base["poor_people"] / 1000, color="grey", ls="--", lw=1.5, label="no programme")
    ax.plot(
        _years(session, table),
        table["poor_people"] / 1000,
        color="#b2182b",
        lw=2.2,
        label=mix_title(session.cfg.policy.name),
    )
    ax.set(title="People in poor households (county)", ylabel="thousand people")
    ax.set_ylim(bottom=0)
    _horizon(ax, session)
    ax.legend(loc="lower left")
    h = session.headline()
    text = (
        f"{session.date()}: {h['poor_people']:,.0f} people in poverty under {mix_title(session.cfg.policy.name)}, "
        f"{h['poor_people_none']:,.0f} with no programme ({h['poor_people'] - h['poor_people_none']:+,.0f})."
    )
    return _png(fig), text


def employment_columns(table: pd.DataFrame) -> list[str]:
    catalogue = measures.of_table(table)
    return [
        c
        for c in measures.in_group(table, "employment")
        if c != "labourers" and catalogue[c].programme != "farm" and table[c].any()
    ]


def employment_figure(session: Session) -> tuple[bytes, str]:
    table = session.table()
    catalogue = measures.of_table(table)
    columns = employment_columns(table)
    fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
    if columns:
        ax.stackplot(
            _years(session, table),
            [table[c] / 1000 for c in columns],
            labels=[channel_label(catalogue[c].programme) for c in columns],
            colors=[channel_colour(catalogue[c].programme) for c in columns],
        )
        fig.legend(loc="outside lower center", fontsize=7, ncol=3, frameon=False)
    ax.set(title="Labourers in work beyond the farm, by channel (county)", ylabel="thousand labourers")
    _horizon(ax, session)
    last = table.iloc[-1]
    parts = [f"{channel_label(catalogue[c].programme)} {last[c]:,.0f}" for c in columns]
    return _png(fig), f"{session.date()}, labourers by channel: " + ("; ".join(parts) or "none beyond the farm") + "."


def spending_figure(session: Session) -> tuple[bytes, str]:
    table = session.table()
    catalogue = measures.of_table(table)
    by_programme: dict[str, pd.Series] = {}
    for c in measures.in_group(table, "spending"):
        if table[c].sum() > 0:
            name = catalogue[c].programme
            by_programme[name] = by_programme.get(name, 0) + table[c].cumsum() / 1e6
    fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
    if by_programme:
        ax.stackplot(
            _years(session, table), list(by_programme.values()), labels=[programme_title(n) for n in by_programme]
        )
        fig.legend(loc="outside lower center", fontsize=7, ncol=4, frameon=False)
    else:
        ax.text(0.5, 0.5, "no programme spending", ha="center", va="center", transform=ax.transAxes)
    ax.set(title="Programme spending, cumulative (county)", ylabel="million yuan")
    _horizon(ax, session)
    total = sum(s.iloc[-1] for s in by_programme.values()) if by_programme else 0.0
    return _png(fig), f"{session.date()}: {total:,.1f} million yuan spent since the start."


def left_behind_figure(session: Session) -> tuple[bytes, str]:
    rows = left_behind(session.model)
    rows = rows[rows["dimension"] == "caring_duty"].set_index("group")
    scale = session.cfg.scale
    shares = {
        "farm only (no other work)": "share_farm_only",
        "in a poor household": "share_in_poor_household",
        "left behind (both)": "share_left_behind",
    }
    colours = ("#92c5de", "#f4a582", "#b2182b")
    fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
    y = np.arange(len(rows))
    height = 0.8 / len(shares)
    for i, (label, column) in enumerate(shares.items()):
        ax.barh(y + (1 - i) * height, rows[column] * 100, height=height, label=label, color=colours[i])
    ax.set_yticks(y, [f"{g}\n({n / scale:,.0f} labourers)" for g, n in rows["labourers"].items()])
    ax.set(title=f"Who is left behind, by caring duty ({session.date()})", xlabel="% of the group's labourers")
    ax.set_xlim(0, 100)
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", fontsize=8, ncol=3, frameon=False)
    parts = [f"{g}: {r['share_left_behind']:.0%} left behind" for g, r in rows.iterrows()]
    return _png(fig), f"{session.date()}, labourers " + "; ".join(parts) + "."


def household_figure(session: Session, info: dict) -> bytes:
    months = np.arange(len(info["history"]))
    x = session.cfg.start_year + months / 12
    fig, ax = plt.subplots(figsize=(5.6, 2.6), constrained_layout=True)
    ax.plot(x, info["history"], color="#2166ac", lw=2, marker="o", ms=3, label="income per person")
    ax.plot(x, info["lines"][: len(x)], color="black", ls="--", lw=1.2, label="poverty line")
    ax.set(title=f"Household {info['index']}: income per person, trailing 12 months", ylabel="yuan per year")
    ax.set_ylim(bottom=0)
    _horizon(ax, session)
    ax.legend(loc="lower right", fontsize=8)
    return _png(fig)


# ---------------------------------------------------------------------- the page
@solara.component
def Plot(make, session: Session, tick: int, name: str):
    png, text = solara.use_memo(lambda: session.locked(make, session), [session, tick])
    with solara.Column(classes=[f"plot-{name}"], gap="2px"):
        solara.Image(png, width="100%")
        solara.Text(text, classes=[f"caption-{name}"], style={"font-size": "0.85em"})


def _members_markdown(members: pd.DataFrame) -> str:
    head = "| " + " | ".join(members.columns) + " |\n|" + "---|" * len(members.columns) + "\n"
    rows = "".join("| " + " | ".join(str(v) for v in row) + " |\n" for row in members.itertuples(index=False))
    return head + rows


@solara.component
def HouseholdPanel(session: Session, tick: int, chosen: solara.Reactive[int]):
    draws = solara.use_reactive(0)
    n = session.model.households.n
    text, set_text = solara.use_state("")
    error = None
    index = chosen.value if 0 <= chosen.value < n else session.default_household()  # -1: the default one

    def pick(value: str):
        set_text(value)
        try:
            index = int(value)
        except ValueError:
            return
        if 0 <= index < n:
            chosen.value = index

    def random_poor():
        draws.value += 1
        chosen.value = session.random_poor_household(draws.value)
        set_text(str(chosen.value))

    if text:
        try:
            if not 0 <= int(text) < n:
                error = f"a household number from 0 to {n - 1}"
        except ValueError:
            error = "a whole number"
    info = solara.use_memo(lambda: session.locked(session.household, index), [session, tick, index])
    png = solara.use_memo(lambda: session.locked(household_figure, session, info), [info])
    with solara.Card("Follow one household", classes=["household-panel"]):
        with solara.Row(style={"align-items": "center"}):
            solara.InputText(
                "Household number", value=text or str(index), on_value=pick, error=error or False,
                message=error or f"0 to {n - 1} (simulated households)", style={"max-width": "220px"},
            )  # fmt: skip
            solara.Button("A poor household", on_click=random_poor, outlined=True)
        status = "poor" if info["poor"] else "not poor"
        gap = info["income_per_capita"] - info["line"]
        solara.Markdown(
            f"**Household {info['index']}**, village {info['village']}, {info['size']} members, "
            f"{'registered poor at the start' if info['initially_poor'] else 'not poor at the start'}. "
            f"**{info['date']} (month {info['month']}): {status}**, income "
            f"{info['income_per_capita']:,.0f} yuan per person per year (trailing 12 months) against a line of "
            f"{info['line']:,.0f} ({gap:+,.0f}).",
            style={"font-size": "0.95em"},
        )
        solara.Image(png, width="100%")
        solara.Markdown(_members_markdown(info["members"]), style={"font-size": "0.85em"})


@solara.component
def LeverInput(lever: Lever, text: str, on_text, problem: str | None):
    if lever.kind is bool:
        solara.Checkbox(label=f"{lever.label} ({lever.unit})", value=text == "true",
                        on_value=lambda v: on_text("true" if v else "false"))  # fmt: skip
        if problem:
            solara.Error(problem, dense=True)
        return
    solara.InputText(
        lever.label, value=text, on_value=on_text, error=problem or False, message=problem or lever.hint,
        classes=[f"lever-{lever.programme}-{lever.path.replace('.', '-')}"],
    )  # fmt: skip


def _session_or_problems(overrides: list[str]) -> tuple[Session | None, list[str]]:
    try:
        return Session(overrides), []
    except ConfigError as exc:
        return None, exc.problems


@solara.component
def App(region: str = DEFAULTS["region"], policy: str = DEFAULTS["policy"], seed: int = DEFAULTS["seed"],
        scale: float = DEFAULTS["scale"], months: int = DEFAULTS["months"]):  # fmt: skip
    """The whole app; the arguments are the settings it opens with."""
    region_r = solara.use_reactive(region)
    policy_r = solara.use_reactive(policy)
    seed_r = solara.use_reactive(str(seed))
    scale_r = solara.use_reactive(format_value(float(scale)))
    months_r = solara.use_reactive(str(months))
    lever_text = solara.use_reactive({})  # lever key -> text typed, when it differs from the mix's value
    extra = solara.use_reactive("")  # further overrides, one per line
    chosen = solara.use_reactive(-1)
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    problems = solara.use_reactive([])

    def overrides() -> list[str]:
        out = [f"region={region_r.value}", f"policy={policy_r.value}", f"seed={seed_r.value.strip()}",
               f"scale={scale_r.value.strip()}", f"months={months_r.value.strip()}"]  # fmt: skip
        mix_levers = {lv.key: lv for lv in mix_levers_of(region_r.value, policy_r.value)}
        out += [mix_levers[k].override(t) for k, t in lever_text.value.items() if k in mix_levers]
        out += [line.strip() for line in extra.value.splitlines() if line.strip()]
        return out

    first, first_problems = solara.use_memo(lambda: _session_or_problems(overrides()), [])
    if first_problems and not problems.value and first is None and not tick.value:
        problems.set(first_problems)  # only when the opening settings are refused (no run to show)
    session_r = solara.use_reactive(first)
    session = session_r.value
    applied = session.overrides if session else []
    pending = overrides() != applied

    def reset():
        playing.value = False
        s, found = _session_or_problems(overrides())
        problems.value = found
        if s is not None:
            session_r.value = s
            if chosen.value < 0 or chosen.value >= s.model.households.n:
                chosen.value = s.default_household()
            tick.value += 1

    def step():
        if session is not None:
            session.step(1)
            tick.value += 1

    # The Run thread waits for the page to show each batch of months before it steps the next. A
    # thread that changes state faster than the page renders keeps the render that the click
    # started from ever settling: no widget reaches the browser, and the click never returns.
    drawn = solara.use_memo(threading.Event, [])
    solara.use_effect(lambda: drawn.set(), [tick.value])  # effects run once the widgets are updated

    def toggle_play():
        playing.value = not playing.value

    def play_loop(cancel: threading.Event):
        def going() -> bool:
            return playing.value and not cancel.is_set() and session is not None and not session.done

        try:
            while going():
                drawn.clear()
                for _ in range(MONTHS_PER_DRAW):  # one month at a time, so that Pause stops it soon
                    if not going():
                        break
                    session.step(1)
                tick.value += 1
                while not drawn.wait(0.2):
                    if cancel.is_set():
                        return
            if session is not None and session.done and playing.value and not cancel.is_set():
                playing.value = False  # ran to the end
        except Exception:  # shown in the server's log; the page keeps the months run so far
            traceback.print_exc()
            raise

    solara.use_thread(play_loop, dependencies=[playing.value, session], intrusive_cancel=False)

    def set_lever(key: str, mix_value: str, text: str):
        texts = dict(lever_text.value)
        if text.strip() == mix_value:
            texts.pop(key, None)
        else:
            texts[key] = text
        lever_text.value = texts

    def set_mix(value: str):
        policy_r.value = value
        lever_text.value = {}

    mix_levers = mix_levers_of(region_r.value, policy_r.value)
    problem_of = {}
    for line in problems.value:
        problem_of.setdefault(line.split(" ", 1)[0].split(":", 1)[0], line)

    with solara.Sidebar(), solara.Column(style={"min-width": "330px"}):
        with solara.Card("Controls"):
            with solara.Row():
                solara.Button("Apply and reset", on_click=reset, color="primary", classes=["reset-button"])
                solara.Button("Step", on_click=step, disabled=session is None or playing.value or session.done,
                              classes=["step-button"])  # fmt: skip
                solara.Button("Pause" if playing.value else "Run", on_click=toggle_play,
                              disabled=session is None or session.done, classes=["run-button"])  # fmt: skip
            if pending:
                solara.Warning("Settings changed: press Apply and reset to start a run with them.", dense=True)
            for line in problems.value:
                solara.Error(line, dense=True, classes=["config-problem"])

        with solara.Card("Run"):
            solara.Select("Region (county)", value=region_r, values=options("region"))
            solara.Select("Policy mix", value=policy_r.value, on_value=set_mix, values=options("policy"))
            for name in ("seed", "scale", "months"):
                r = {"seed": seed_r, "scale": scale_r, "months": months_r}[name]
                problem = problem_of.get(name)
                hint = run_field_hint(name)
                solara.InputText(name.capitalize(), value=r, error=problem or False, message=problem or hint)
        with solara.Card("Levers of the mix's programmes"):
            by_programme: dict[str, list[Lever]] = {}
            for lv in mix_levers:
                by_programme.setdefault(lv.programme, []).append(lv)
            if not by_programme:
                solara.Text("This mix runs no programme.")
            for name, group in by_programme.items():
                solara.Markdown(f"**{programme_title(name)}**")
                for lv in group:
                    mix_value = format_value(lv.value)
                    LeverInput(
                        lv, lever_text.value.get(lv.key, mix_value),
                        functools.partial(set_lever, lv.key, mix_value), problem_of.get(lv.key),
                    )  # fmt: skip
            solara.InputTextArea("More overrides (key=value, one per line)", value=extra, rows=2)
    solara.Title("Leaving poverty through work")
    if session is None:
        solara.Error("No run: the settings above are refused by the validator.")
        return
    h = session.locked(session.headline)
    month, date = h["month"], h["date"]
    cfg = session.cfg
    with solara.Column(style={"padding": "8px"}):
        solara.Markdown(
            f"## {cfg.region.name.capitalize()} county, {cfg.policy.name.replace('_', ' ')}: "
            f"month {month} of {cfg.months} ({date})\n"
            f"Seed {cfg.seed}, {cfg.scale:g} of the county's households simulated; every number is for the "
            f"whole county. People in poverty: **{h['poor_people']:,.0f}** (start {h['poor_people_start']:,.0f}; "
            f"with no programme **{h['poor_people_none']:,.0f}**). Spending so far: "
            f"**{h['spend_total'] / 1e6:,.1f} million yuan**.",
            style={"font-size": "0.95em"},
        )
        with solara.ColumnsResponsive([12, 12, 6, 6], large=[6, 6, 6, 6]):
            Plot(poverty_figure, session, tick.value, "poverty")
            Plot(employment_figure, session, tick.value, "employment")
            Plot(spending_figure, session, tick.value, "spending")
            Plot(left_behind_figure, session, tick.value, "left-behind")
        with solara.ColumnsResponsive([12, 12], large=[7, 5]):
            HouseholdPanel(session, tick.value, chosen)
            with solara.Card("Export this run"):
                solara.Markdown(
                    "The command line that reproduces it, and its monthly table so far: as `python -m sim` "
                    "writes it (at simulation scale, with the run's identity) or at county level."
                )
                with solara.Column(classes=["command-line"]):
                    solara.Markdown(f"```bash\n{session.command_line()}\n```")
                solara.FileDownload(
                    lambda: session.locked(session.export_table).to_csv(index=False), filename="monthly.csv",
                    label="Table (CSV, simulation scale)",
                )  # fmt: skip
                solara.FileDownload(
                    lambda: session.locked(session.table).to_csv(index=False), filename="monthly_county.csv",
                    label="Table, county level (CSV)",
                )  # fmt: skip
                solara.FileDownload(session.config_yaml, filename="config.yaml", label="Config (YAML)")


@functools.lru_cache(maxsize=64)
def _mix_levers(region: str, policy: str) -> tuple[Lever, ...]:
    return tuple(levers(load_config([f"region={region}", f"policy={policy}"])))


def mix_levers_of(region: str, policy: str) -> list[Lever]:
    """The main levers of a mix (values as the mix sets them); none if the mix does not compose."""
    try:
        return list(_mix_levers(region, policy))
    except ConfigError:
        return []


@solara.component
def Page():
    """`solara run sim.app` shows this."""
    App()


__all__ = ["App", "Lever", "Page", "Session", "baseline", "command_line", "levers", "load_config", "options"]

if __name__ == "__main__":  # pragma: no cover
    print(f"launch with: .venv/bin/solara run {Path(__file__).relative_to(Path.cwd())}")
