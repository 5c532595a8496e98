"""The preprocessing topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.preprocessing.panel import PreprocessingPanel

__all__ = ["PreprocessingPanel"]
