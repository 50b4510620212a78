"""Policy programmes, one module each. `PROGRAMMES` maps a `policy.<name>` config group key to the
programme class that runs when `policy.<name>.enabled` is true. Migration that people arrange
themselves (`migration.Migration`) is not a policy lever and always runs."""

from sim.programmes.base import Programme
from sim.programmes.labour_cooperation import LabourCooperation
from sim.programmes.welfare_posts import WelfarePosts
from sim.programmes.workshops import Workshops

PROGRAMMES: dict[str, type[Programme]] = {
    "workshops": Workshops,
    "labour_cooperation": LabourCooperation,
    "welfare_posts": WelfarePosts,
}

__all__ = ["PROGRAMMES", "Programme"]
