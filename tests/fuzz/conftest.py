"""Hypothesis profiles for the fuzz suite: 'default' for every run and CI, 'long' (10x) for a nightly-style run:

python -m pytest tests/fuzz --hypothesis-profile=long
"""

from hypothesis import HealthCheck, settings

COMMON = {"deadline": None, "derandomize": True, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("default", max_examples=12, **COMMON)
settings.register_profile("long", max_examples=120, **COMMON)
