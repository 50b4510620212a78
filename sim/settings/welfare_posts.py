"""Settings of public-welfare posts (`sim/programmes/welfare_posts.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class WelfarePostsConfig(ProgrammeConfig):
    posts_per_labourer: float = param(
        "posts standing at once per poor labourer (times the simulated poor labourers)", ge=0, le=1
    )
    monthly_pay: float = param("yuan/month", ge=0)
    income_threshold: float = param("per-capita income below this times the line counts as unstable", ge=0, le=10)
    cannot_leave_age: int = param("years; from this age a labourer counts as unable to leave", ge=16, le=100)
    exit_rate: float = param("per month, holders leaving for own reasons", ge=0, le=1)
    home_labour: float = param("farm labour units a post holder still gives", ge=0, le=1)
    care_post_share: float = param("share of posts that are care posts, offered to bound carers first", ge=0, le=1)
