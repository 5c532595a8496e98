"""nnlab: an interactive lab for learning how neural networks are trained.

``nnlab.core`` holds the numbers (numpy only); ``nnlab.viz`` draws them with matplotlib;
``nnlab.panels`` binds both to ipywidgets controls for JupyterLab.
"""

from nnlab._malloc import tune_malloc

__version__ = "0.1.0"

tune_malloc()
