"""Per-programme settings (one module each), composed into `sim.schema.PolicyConfig`."""

from sim.settings.employment_services import EmploymentServicesConfig
from sim.settings.entrepreneurship import EntrepreneurshipConfig
from sim.settings.flexible_work import FlexibleWorkConfig
from sim.settings.labour_cooperation import LabourCooperationConfig
from sim.settings.local_employers import LocalEmployersConfig
from sim.settings.return_monitoring import ReturnMonitoringConfig
from sim.settings.rewards import RewardsConfig
from sim.settings.social_security import SocialSecurityConfig
from sim.settings.targeting import TargetingConfig
from sim.settings.tech_school import TechSchoolConfig
from sim.settings.training import CourseConfig, TrainingConfig
from sim.settings.welfare_posts import WelfarePostsConfig
from sim.settings.workshops import WorkshopsConfig, WorkshopType

__all__ = [
    "CourseConfig",
    "EmploymentServicesConfig",
    "EntrepreneurshipConfig",
    "FlexibleWorkConfig",
    "LabourCooperationConfig",
    "LocalEmployersConfig",
    "ReturnMonitoringConfig",
    "RewardsConfig",
    "SocialSecurityConfig",
    "TargetingConfig",
    "TechSchoolConfig",
    "TrainingConfig",
    "WelfarePostsConfig",
    "WorkshopType",
    "WorkshopsConfig",
]
