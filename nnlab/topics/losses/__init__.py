"""The losses topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.losses.panel import LossesPanel

__all__ = ["LossesPanel"]
