"""Start-up: configuration, the programme file, wiring, the server and the `japanmall` command."""

from bot.config import ConfigError, Settings, load_settings
from bot.programme import Programme, ProgrammeError, load_programme

__all__ = ["ConfigError", "Programme", "ProgrammeError", "Settings", "load_programme", "load_settings"]
