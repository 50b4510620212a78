"""Typed configuration: the schema Hydra composes into and the model reads.

Every field states its unit (or what it means) and allowed range in its metadata (`param`), and has no
value of its own: every value of a run comes from the config files under conf/, so the YAML is the one
place to read it (a value they leave out is refused as missing). Only the bookkeeping fields (`quoted`,
`assumed`, `fitted`) and nested sections have defaults. Hydra enforces keys and types when composing;
`sim.validate` enforces ranges and cross-field rules before a run starts.
Provenance (which value is quoted from which report, which is assumed and why) lives beside the values
in each config file, under `quoted:`, `assumed:` and `uncertain:` (a range for a value no report pins
down); `tests/test_provenance.py` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass

from omegaconf import MISSING

from sim.params import Fitted, Quoted, Uncertain, param


@dataclass
class Destination:
    """A labour market that migrants from the county go to."""

    cross_province: bool = param("true or false: in another province (long-distance, costlier)")
    wage: float = param("yuan/month, unskilled, healthy", ge=0, le=50000)
    living_cost: float = param("yuan/month spent at the destination", ge=0, le=50000)
    ticket: float = param("yuan, one-way long-distance fare", ge=0, le=10000)


@dataclass
class RegionConfig:
    """Population structure of one county's registered-poor households."""

    name: str = MISSING
    households: int = param("households", ge=1)
    people: int = param("people", ge=1)
    labourers: int = param("people aged 16-64 not in school", ge=0)
    villages: int = param("villages", ge=1)
    village_size_sigma: float = param("lognormal sigma of households per village", ge=0, le=3)
    # Household composition: shapes of the count distributions. The generator tilts each shape
    # exponentially so that the expected totals equal `people` and `labourers` exactly.
    labourers_shape: list[float] = param("P(0..4 labourers)")
    children_shape: list[float] = param("P(0..3 children under 16)")
    elders_shape: list[float] = param("P(0..2 elders 65+)")
    labourer_age_edges: list[int] = param("years, band edges")
    labourer_age_shares: list[float] = param("share per age band")
    young_child_share: float = param("share of children under 6", ge=0, le=1)
    female_share: float = param("share", ge=0, le=1)
    # Rows: labourer age bands; columns: schooling 0 (primary or less), 1 (junior high),
    # 2 (senior high or vocational), and 2 with a vocational certificate (a certified trade).
    skill_shares_by_age_band: list[list[float]] = param(
        "share per schooling level (the last: with a certificate)",
    )
    labourer_health_shares: list[float] = param("healthy, chronic, disabled")
    elder_health_shares: list[float] = param("healthy, chronic, disabled")
    child_disabled_share: float = param("share", ge=0, le=1)
    frail_elder_share: float = param("share of non-disabled elders needing care", ge=0, le=1)
    elder_death_rate: float = param("per year", ge=0, le=1)
    frail_elder_death_rate: float = param("per year", ge=0, le=1)
    elder_frailty_onset: float = param("per year", ge=0, le=1)
    # Births and care loads (sim/care.py): births fill slots reserved at population build; a labourer
    # is bound when the dependants' load less what capable elders cover exceeds `care_load_bind`.
    birth_rate: float = param("births per person per year (crude birth rate)", ge=0, le=0.1)
    birth_age_first: int = param("years, youngest mother's age", ge=16, le=64)
    birth_age_last: int = param("years, oldest mother's age", ge=16, le=64)
    birth_slot_years: int = param("years of births reserved at population build (none after)", ge=0, le=50)
    care_load_young_child: float = param("care load of a child under 6", ge=0, le=5)
    care_load_student: float = param("care load of a school-age child (6-15)", ge=0, le=5)
    care_load_frail_elder: float = param("care load of a frail elder", ge=0, le=5)
    care_load_disabled: float = param("care load of a disabled dependant (not a labourer)", ge=0, le=5)
    elder_care_capacity: float = param("care load one capable elder covers", ge=0, le=10)
    care_load_bind: float = param("uncovered care load a household manages with nobody at home", ge=0, le=10)
    # Land was contracted per person, so a household's farm income scales with its size.
    farm_income_per_person: float = param("yuan/person/year at full farm labour, median", ge=0)
    farm_income_sigma: float = param("lognormal sigma", ge=0, le=3)
    farm_labour_need: float = param("labour units per member to farm the land fully", ge=0.01, le=5)
    elder_farm_labour: float = param("farm labour units a capable elder gives", ge=0, le=1)
    farm_floor: float = param("share of farm income kept with no labour at home", ge=0, le=1)
    busy_months: list[int] = param("calendar months of farm-busy season")
    busy_income_share: float = param("share of annual farm income earned in busy months", ge=0, le=1)
    pension_per_elder: float = param("yuan/month, rural basic pension", ge=0)
    other_transfers_per_capita: float = param("yuan/person/year (ecological, farm subsidies)", ge=0)
    destinations: dict[str, Destination] = param("labour markets migrants go to, by name")
    quoted: dict[str, Quoted] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)


@dataclass
class EconomyConfig:
    """Money over time: yearly nominal levels of national series (`sim.economy`). A money amount of the
    other config files is of `base_year`; in a later year it is paid times level(year) / level(base_year)
    of its series. Levels are interpolated between the years given and flat beyond them."""

    name: str = MISSING
    base_year: int = param("calendar year of the money amounts in the other config files", ge=1900, le=2200)
    migrant_wage: dict[int, float] = param("yuan/month by year, migrant workers' average monthly income")
    rural_wage_income: dict[int, float] = param("yuan/person/year by year, rural residents' wage income")
    rural_business_income: dict[int, float] = param("yuan/person/year by year, rural net business income")
    rural_transfer_income: dict[int, float] = param("yuan/person/year by year, rural net transfer income")
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
    uncertain: dict[str, Uncertain] = field(default_factory=dict)


@dataclass
class BehaviourConfig:
    """The uncertainties: behavioural parameters no report quotes; fitted in calibration."""

    name: str = MISSING
    search_rate: float = param("share of non-employed labourers weighing options per month", ge=0, le=1)
    busy_search_factor: float = param("search-rate factor in farm-busy months", ge=0, le=1)
    income_weight: float = param("utility per 1000 yuan/month of net gain", ge=0, le=20)
    constant_workshop_factory: float = param("utility", ge=-20, le=20)
    constant_workshop_home: float = param("utility", ge=-20, le=20)
    constant_workshop_coop: float = param("utility", ge=-20, le=20)
    constant_migrate_intra: float = param("utility", ge=-20, le=20)
    constant_migrate_cross: float = param("utility", ge=-20, le=20)
    upfront_months: float = param("months over which one-off costs and subsidies weigh", ge=1, le=120)
    organised_bonus: float = param("utility of an arranged job, contract and travel", ge=-20, le=20)
    age_penalty_away: float = param("utility per 10 years over 35, for work away", ge=0, le=20)
    chronic_penalty_away: float = param("utility, chronically ill, for work away", ge=0, le=20)
    care_penalty: float = param("utility for a bound carer, times (1 - care compatibility)", ge=0, le=20)
    skill_wage_premium: float = param("relative wage per schooling level", ge=0, le=2)
    certificate_wage_premium: float = param("relative wage with a vocational certificate", ge=0, le=2)
    schooling_weight_away: float = param("utility per schooling level above junior high, for work away", ge=0, le=20)
    chronic_productivity: float = param("productivity factor", ge=0, le=1)
    disabled_productivity: float = param("productivity factor", ge=0, le=1)
    older_productivity: float = param("productivity factor from age 55", ge=0, le=1)
    fair_attend_rate: float = param("probability an eligible labourer attends a given fair", ge=0, le=1)
    intent_intercept: float = param("logit of signing an intent at a fair, before gain", ge=-20, le=20)
    depart_rate: float = param("probability an intent signer departs, if free to", ge=0, le=1)
    quit_early_intra: float = param("monthly quit hazard at tenure 0, within province", ge=0, le=1)
    quit_early_cross: float = param("monthly quit hazard at tenure 0, across provinces", ge=0, le=1)
    quit_decay_months: float = param("months for the early quit hazard to fall by e", ge=0.1)
    quit_floor: float = param("monthly quit hazard after the early period", ge=0, le=1)
    organised_quit_factor: float = param("quit-hazard factor with follow-up services", ge=0, le=5)
    workshop_quit: float = param("monthly quit hazard at local employers (workshops, firms)", ge=0, le=1)
    constant_training: float = param("utility of asking for a training course", ge=-20, le=20)
    constant_local_firm: float = param("utility", ge=-20, le=20)
    constant_local_producer: float = param("utility", ge=-20, le=20)
    constant_business_job: float = param("utility of a job at a returnee's business", ge=-20, le=20)
    constant_flexible: float = param("utility of flexible work in a slack month", ge=-20, le=20)
    trained_job_bonus: float = param("utility a recent graduate sees in every job option", ge=0, le=20)
    reward_quit_factor: float = param("quit-hazard factor while a stable-work reward is ahead", ge=0, le=5)
    service_matching_bonus: float = param("utility employment services add to every job option", ge=0, le=20)
    newcomer_pay_share: float = param(
        "a registered-poor newcomer's pay relative to the destination's average migrant pay", ge=0.3, le=1.5
    )
    tenure_pay_growth: float = param("relative pay rise per year at the same destination", ge=0, le=1)
    tenure_pay_years: float = param("years at a destination after which pay stops rising", ge=0, le=40)
    quoted: dict[str, Quoted] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)
    fitted: dict[str, Fitted] = field(default_factory=dict)  # written by `python -m sim.calibrate`


@dataclass
class OutputConfig:
    plot: bool = param("true or false: save the plots beside the tables")
    table_format: str = param("file format", choices=["parquet", "csv"])


@dataclass
class RunBase:
    """One run: a county, a policy mix, behaviour, a seed and a horizon (`RunConfig` adds the
    programmes' settings to `policy`)."""

    seed: int = param("integer seed", ge=0, le=2**32 - 1)
    months: int = param("months", ge=1, le=600)
    start_year: int = param("calendar year", ge=2000, le=2100)
    scale: float = param("share of the county's households simulated (capacities scale too)", ge=0.001, le=1)
    poverty_line: dict[int, float] = param("yuan/person/year, by year; interpolated between years, flat beyond")
    region: RegionConfig = MISSING
    economy: EconomyConfig = MISSING
    policy: PolicyBase = MISSING
    behaviour: BehaviourConfig = MISSING
    output: OutputConfig = field(default_factory=OutputConfig)
    quoted: dict[str, Quoted] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)


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
