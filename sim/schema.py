"""Typed configuration: the schema Hydra composes into and the model reads.

Every numeric field states its unit and allowed range in its metadata (`param`). Hydra enforces keys
and types when composing; `sim.validate` enforces ranges and cross-field rules before a run starts.
Provenance (which value is quoted from which report, which is assumed and why) lives beside the values
in each config file, under `quoted:` and `assumed:`; `tests/test_provenance.py` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass

from omegaconf import MISSING

from sim.params import Fitted, Quoted, param


@dataclass
class Destination:
    """A labour market that migrants from the county go to."""

    cross_province: bool = False
    wage: float = param(3000.0, "yuan/month, unskilled, healthy", ge=0, le=50000)
    living_cost: float = param(1500.0, "yuan/month spent at the destination", ge=0, le=50000)
    ticket: float = param(200.0, "yuan, one-way long-distance fare", ge=0, le=10000)


@dataclass
class RegionConfig:
    """Population structure of one county's registered-poor households."""

    name: str = MISSING
    households: int = param(49300, "households", ge=1)
    people: int = param(142600, "people", ge=1)
    labourers: int = param(73200, "people aged 16-64 not in school", ge=0)
    villages: int = param(300, "villages", ge=1)
    village_size_sigma: float = param(0.6, "lognormal sigma of households per village", ge=0, le=3)
    # Household composition: shapes of the count distributions. The generator tilts each shape
    # exponentially so that the expected totals equal `people` and `labourers` exactly.
    labourers_shape: list[float] = param([0.10, 0.38, 0.40, 0.09, 0.03], "P(0..4 labourers)")
    children_shape: list[float] = param([0.40, 0.33, 0.22, 0.05], "P(0..3 children under 16)")
    elders_shape: list[float] = param([0.55, 0.30, 0.15], "P(0..2 elders 65+)")
    labourer_age_edges: list[int] = param([16, 30, 45, 55, 65], "years, band edges")
    labourer_age_shares: list[float] = param([0.2, 0.3, 0.3, 0.2], "share per age band")
    young_child_share: float = param(0.35, "share of children under 6", ge=0, le=1)
    female_share: float = param(0.5, "share", ge=0, le=1)
    # Rows: labourer age bands; columns: skill 0 (primary or less), 1 (junior high),
    # 2 (senior high or vocational), 3 (certified trade).
    skill_shares_by_age_band: list[list[float]] = param(
        [[0.1, 0.5, 0.3, 0.1], [0.25, 0.55, 0.15, 0.05], [0.45, 0.45, 0.08, 0.02], [0.6, 0.35, 0.04, 0.01]],
        "share per skill level",
    )
    labourer_health_shares: list[float] = param([0.78, 0.16, 0.06], "healthy, chronic, disabled")
    elder_health_shares: list[float] = param([0.45, 0.45, 0.10], "healthy, chronic, disabled")
    child_disabled_share: float = param(0.02, "share", ge=0, le=1)
    frail_elder_share: float = param(0.3, "share of non-disabled elders needing care", ge=0, le=1)
    elder_death_rate: float = param(0.04, "per year", ge=0, le=1)
    frail_elder_death_rate: float = param(0.12, "per year", ge=0, le=1)
    elder_frailty_onset: float = param(0.05, "per year", ge=0, le=1)
    # Land was contracted per person, so a household's farm income scales with its size.
    farm_income_per_person: float = param(1400.0, "yuan/person/year at full farm labour, median", ge=0)
    farm_income_sigma: float = param(0.35, "lognormal sigma", ge=0, le=3)
    farm_labour_need: float = param(0.4, "labour units per member to farm the land fully", ge=0.01, le=5)
    elder_farm_labour: float = param(0.3, "farm labour units a capable elder gives", ge=0, le=1)
    farm_floor: float = param(0.35, "share of farm income kept with no labour at home", ge=0, le=1)
    busy_months: list[int] = param([5, 6, 9, 10], "calendar months of farm-busy season")
    busy_income_share: float = param(0.6, "share of annual farm income earned in busy months", ge=0, le=1)
    pension_per_elder: float = param(80.0, "yuan/month, rural basic pension", ge=0)
    other_transfers_per_capita: float = param(250.0, "yuan/person/year (ecological, farm subsidies)", ge=0)
    initial_migrant_share: float = param(0.06, "share of labourers away at start, self-arranged", ge=0, le=1)
    initial_cross_share: float = param(0.6, "share of initial migrants out of province", ge=0, le=1)
    destinations: dict[str, Destination] = field(default_factory=dict)
    quoted: dict[str, Quoted] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)


@dataclass
class PolicyBase:
    """The levers: which programmes run, their budgets, subsidies and capacities. One field per
    programme (`policy.<name>`, its `settings` dataclass) is added by `build_schema` from the
    programmes' declarations; each programme's settings come from its own config group
    (`conf/programme/<name>/`); the mix (`conf/policy/`) switches programmes on and may override
    settings, with its own `quoted`/`assumed` entries."""

    name: str = MISSING
    quoted: dict[str, Quoted] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)


@dataclass
class BehaviourConfig:
    """The uncertainties: behavioural parameters no report quotes; fitted in calibration."""

    name: str = MISSING
    search_rate: float = param(0.08, "share of non-employed labourers weighing options per month", ge=0, le=1)
    busy_search_factor: float = param(0.4, "search-rate factor in farm-busy months", ge=0, le=1)
    income_weight: float = param(1.2, "utility per 1000 yuan/month of net gain", ge=0, le=20)
    constant_workshop_factory: float = param(-1.0, "utility", ge=-20, le=20)
    constant_workshop_home: float = param(-0.8, "utility", ge=-20, le=20)
    constant_workshop_coop: float = param(-1.0, "utility", ge=-20, le=20)
    constant_migrate_intra: float = param(-2.5, "utility", ge=-20, le=20)
    constant_migrate_cross: float = param(-3.0, "utility", ge=-20, le=20)
    upfront_months: float = param(6.0, "months over which one-off costs and subsidies weigh", ge=1, le=120)
    organised_bonus: float = param(0.8, "utility of an arranged job, contract and travel", ge=-20, le=20)
    age_penalty_away: float = param(0.6, "utility per 10 years over 35, for work away", ge=0, le=20)
    chronic_penalty_away: float = param(1.0, "utility, chronically ill, for work away", ge=0, le=20)
    care_penalty: float = param(2.0, "utility for a bound carer, times (1 - care compatibility)", ge=0, le=20)
    skill_wage_premium: float = param(0.08, "relative wage per skill level", ge=0, le=2)
    chronic_productivity: float = param(0.85, "productivity factor", ge=0, le=1)
    disabled_productivity: float = param(0.65, "productivity factor", ge=0, le=1)
    older_productivity: float = param(0.85, "productivity factor from age 55", ge=0, le=1)
    fair_attend_rate: float = param(0.0046, "probability an eligible labourer attends a given fair", ge=0, le=1)
    intent_intercept: float = param(-0.3, "logit of signing an intent at a fair, before gain", ge=-20, le=20)
    depart_rate: float = param(0.8, "probability an intent signer departs, if free to", ge=0, le=1)
    quit_early_intra: float = param(0.10, "monthly quit hazard at tenure 0, within province", ge=0, le=1)
    quit_early_cross: float = param(0.15, "monthly quit hazard at tenure 0, across provinces", ge=0, le=1)
    quit_decay_months: float = param(4.0, "months for the early quit hazard to fall by e", ge=0.1)
    quit_floor: float = param(0.015, "monthly quit hazard after the early period", ge=0, le=1)
    organised_quit_factor: float = param(0.7, "quit-hazard factor with follow-up services", ge=0, le=5)
    workshop_quit: float = param(0.02, "monthly quit hazard at local employers (workshops, firms)", ge=0, le=1)
    constant_training: float = param(-1.5, "utility of asking for a training course", ge=-20, le=20)
    constant_local_firm: float = param(-1.0, "utility", ge=-20, le=20)
    constant_local_producer: float = param(-0.9, "utility", ge=-20, le=20)
    constant_business_job: float = param(-1.0, "utility of a job at a returnee's business", ge=-20, le=20)
    constant_flexible: float = param(-0.6, "utility of flexible work in a slack month", ge=-20, le=20)
    trained_job_bonus: float = param(0.8, "utility a recent graduate sees in every job option", ge=0, le=20)
    reward_quit_factor: float = param(0.8, "quit-hazard factor while a stable-work reward is ahead", ge=0, le=5)
    service_matching_bonus: float = param(0.5, "utility employment services add to every job option", ge=0, le=20)
    quoted: dict[str, Quoted] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)
    fitted: dict[str, Fitted] = field(default_factory=dict)  # written by `python -m sim.calibrate`


@dataclass
class OutputConfig:
    plot: bool = True
    table_format: str = param("parquet", "file format", choices=["parquet", "csv"])


@dataclass
class RunBase:
    """One run: a county, a policy mix, behaviour, a seed and a horizon (`RunConfig` adds the
    programmes' settings to `policy`)."""

    seed: int = param(0, "integer seed", ge=0, le=2**32 - 1)
    months: int = param(60, "months", ge=1, le=600)
    start_year: int = param(2016, "calendar year", ge=2000, le=2100)
    scale: float = param(1.0, "share of the county's households simulated (capacities scale too)", ge=0.001, le=1)
    poverty_line: dict[int, float] = field(default_factory=lambda: {2014: 2800.0, 2020: 4000.0})
    region: RegionConfig = MISSING
    policy: PolicyBase = MISSING
    behaviour: BehaviourConfig = MISSING
    output: OutputConfig = field(default_factory=OutputConfig)


_built: tuple = ()
PolicyConfig: type = PolicyBase
RunConfig: type = RunBase


def build_schema() -> type:
    """`RunConfig` with one `policy.<name>` field per registered programme lever, rebuilt when a
    programme has been registered since (e.g. one defined in a test). The classes are module
    attributes, so configs pickle to worker processes."""
    global _built, PolicyConfig, RunConfig
    from sim.programmes import levers

    key = tuple((c.name, c.settings) for c in levers())
    if key != _built:
        fields = [(name, settings, field(default_factory=settings)) for name, settings in key]
        PolicyConfig = make_dataclass("PolicyConfig", fields, bases=(PolicyBase,), module=__name__)
        RunConfig = make_dataclass(
            "RunConfig", [("policy", PolicyConfig, field(default=MISSING))], bases=(RunBase,), module=__name__
        )
        _built = key
    return RunConfig


build_schema()
