"""The regularization topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.regularization.panel import RegularizationPanel

__all__ = ["RegularizationPanel"]
