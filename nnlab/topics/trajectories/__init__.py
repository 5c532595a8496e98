"""The trajectories topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.trajectories.panel import TrajectoriesPanel

__all__ = ["TrajectoriesPanel"]
