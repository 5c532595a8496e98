"""The batchnorm topic: ``panel`` declares it, ``draw`` draws it, ``study`` (where there is one) computes it."""

from nnlab.topics.batchnorm.panel import BatchNormPanel

__all__ = ["BatchNormPanel"]
