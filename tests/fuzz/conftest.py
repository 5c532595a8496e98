"""Hypothesis profiles for the fuzz suite: 'default' for every run and CI, 'long' (10x) for a nightly-style run:

python -m pytest tests/fuzz --hypothesis-profile=long

The profile is loaded explicitly: with the ``CI`` variable set, Hypothesis would otherwise load its own 'ci'
profile (100 examples per test), which made the fuzz suite 10x slower on CI than on a laptop (152 s against 15 s
for one panel, measured 2026-12-07).
"""

from hypothesis import HealthCheck, settings

COMMON = {"deadline": None, "derandomize": True, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("default", max_examples=12, **COMMON)
settings.register_profile("long", max_examples=120, **COMMON)
settings.load_profile("default")
