"""The training topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.training.panel import TrainingPanel

__all__ = ["TrainingPanel"]
