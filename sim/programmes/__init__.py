"""Policy programmes, one module each. `PROGRAMMES` maps a `policy.<name>` config key to the
programme class that runs when `policy.<name>.enabled` is true, in the order the model calls them
within each phase of the month. Migration that people arrange themselves (`migration.Migration`) is
not a policy lever and always runs first."""

from sim.programmes.base import Programme
from sim.programmes.employment_services import EmploymentServices
from sim.programmes.entrepreneurship import Entrepreneurship
from sim.programmes.flexible_work import FlexibleWork
from sim.programmes.labour_cooperation import LabourCooperation
from sim.programmes.local_employers import LocalEmployers
from sim.programmes.return_monitoring import ReturnMonitoring
from sim.programmes.rewards import Rewards
from sim.programmes.social_security import SocialSecurity
from sim.programmes.targeting import Targeting
from sim.programmes.tech_school import TechSchool
from sim.programmes.training import Training
from sim.programmes.welfare_posts import WelfarePosts
from sim.programmes.workshops import Workshops

PROGRAMMES: dict[str, type[Programme]] = {
    "targeting": Targeting,  # first: sets who the ledger identifies before anyone is placed
    "workshops": Workshops,
    "local_employers": LocalEmployers,
    "entrepreneurship": Entrepreneurship,
    "flexible_work": FlexibleWork,
    "labour_cooperation": LabourCooperation,
    "training": Training,
    "tech_school": TechSchool,
    "employment_services": EmploymentServices,
    "return_monitoring": ReturnMonitoring,
    "rewards": Rewards,
    "welfare_posts": WelfarePosts,  # after the others: posts are the floor for those left
    "social_security": SocialSecurity,  # last: tops up what households have from everything else
}

__all__ = ["PROGRAMMES", "Programme"]
