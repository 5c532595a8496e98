"""nnlab: an interactive lab for learning how neural networks are trained.

``nnlab.core`` holds the numbers (numpy only); ``nnlab.topics`` has one folder per lecture topic (its experiment,
its drawing and its panel: ipywidgets controls over a live figure), built on the framework ``nnlab.app`` and the
render layer ``nnlab.render``.
"""

__version__ = "0.1.0"
