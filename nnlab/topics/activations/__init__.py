"""The activations topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.activations.panel import ActivationsPanel

__all__ = ["ActivationsPanel"]
