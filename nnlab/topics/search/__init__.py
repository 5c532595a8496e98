"""The search topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.search.panel import SearchPanel

__all__ = ["SearchPanel"]
