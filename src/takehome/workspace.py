"""What one command works with: the practice profile and the folders it names.

Loaded lazily, so that `takehome init` and `takehome check` can run when the
profile itself is missing or broken.
"""

from __future__ import annotations

import functools
from pathlib import Path

from takehome.model.topic import TopicLibrary
from takehome.paths import builtin_handouts_dir
from takehome.profile.config import Profile, load_profile


class Workspace:
    """The profile, the topic library and the renderer settings for a command."""

    def __init__(self, config_path: Path | None = None, handouts_dir: Path | None = None):
        self.config_path = config_path
        self.extra_handouts = handouts_dir

    @functools.cached_property
    def profile(self) -> Profile:
        return load_profile(self.config_path)

    @functools.cached_property
    def library(self) -> TopicLibrary:
        """Built-in topics, then the profile's folder, then --handouts: later wins."""
        folders = [builtin_handouts_dir()]
        folders += [d for d in (self.profile.handouts_dir, self.extra_handouts) if d]
        return TopicLibrary(folders)

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """The therapist's own templates folder, if any (built-ins are always last)."""
        return (self.profile.templates_dir,) if self.profile.templates_dir else ()

    def renderer(self):
        from takehome.render.pdf import Renderer

        return Renderer(list(self.template_dirs))
