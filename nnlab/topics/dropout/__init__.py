"""The dropout topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.dropout.panel import DropoutPanel

__all__ = ["DropoutPanel"]
