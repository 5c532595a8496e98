"""The initialization topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.initialization.panel import InitializationPanel

__all__ = ["InitializationPanel"]
