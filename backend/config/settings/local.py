"""The embedded default for a developer's machine: `make run`."""

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "local-development-only-not-secret")
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
