"""Write the lecture notebooks from the cell texts below: ``python notebooks/build.py``.

The notebooks are generated so that their text is reviewable in one place and stays
consistent (kernelspec, slideshow metadata, no outputs); ``tests/notebooks`` checks that
the committed ``.ipynb`` files equal what this script writes. Edit here, then run it.
Each cell is ``(kind, source)`` with kind "md" or "code"; a markdown cell starting with
"# " or "## " begins a new slide, other cells are sub-slides or fragments of it.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}

NOTEBOOKS["00_index.ipynb"] = [
    ("md", """# nnlab: how neural networks are trained

An interactive companion to the lectures on training neural networks: CS231n *Training
Neural Networks*, CMU 11-785 *Optimization*, UMich EECS 498 lecture 10.

Every notebook has a short text, live panels (move a control and the figure follows) and
*try this* prompts. Work through them in order:

1. [Data preprocessing](02_preprocessing.ipynb): mean subtraction, normalization, PCA and
   whitening, and why the statistics come from the training split only.
2. [Weight initialization](03_initialization.ipynb): why std 0.01 kills a deep tanh network,
   and what Xavier, He and batch norm do about it.
3. [Dropout](05_dropout.ipynb): a different thinned network on every pass, why the outputs
   are scaled, and dropout as a cheap ensemble.
4. [Optimizers](07_optimizers.ipynb): SGD, momentum, Nesterov, Adagrad, RMSprop, Adadelta
   and Adam racing on Beale's function, a long valley and a saddle point.

Pictures for slides: every panel has `panel.save("figure.png")` (or `.svg`, `.pdf`) and
`panel.set(slides=True)` for a 16:9 figure with large text; animated panels have
`panel.save_animation("clip.gif")` (or `.mp4`, `.html`). From a terminal:
`python -m nnlab export trajectories --preset "saddle point" -o saddle.gif`."""),
    ("code", "import nnlab\n\nprint('nnlab', nnlab.__version__)"),
]

NOTEBOOKS["02_preprocessing.ipynb"] = [
    ("md", """# Data preprocessing

Before training, the CS231n notes centre the data (subtract the mean of every feature)
and often normalize it (divide by the standard deviation). PCA goes further: it rotates
the data onto the eigenvectors of its covariance matrix, where the features are
uncorrelated; whitening then divides every direction by its standard deviation.

All of these statistics are *fitted on the training split* and then applied to the
validation and test splits. In the panel, training points are blue and test points orange."""),
    ("code", "from nnlab.panels.preprocessing import PreprocessingPanel\n\npanel = PreprocessingPanel()\npanel"),
    ("md", """## Try this

- Move *correlation* and *anisotropy*: the centred and normalized clouds keep their tilt;
  the decorrelated cloud is always axis-aligned; the whitened one is always round.
- Press **whitening exaggerates noise**: a third feature of pure noise, 100 times smaller
  than the others, is stretched to unit variance like the real directions.
  **larger eps tames it**: `1 / sqrt(S + eps)` leaves the tiny directions small.
- Press **train/test leak** with few points: fitting the statistics on all the data pulls
  the test set toward the training set's picture, which flatters every evaluation.
- Press **PCA of image patches**: the top eigenvectors of 8x8 patches of a photograph are
  smooth blobs, then edges, then finer patterns. Move *components k* and watch the
  reconstruction; the variance explained reaches 95% with very few components.
- Press **far from the origin**: before normalization a 2 degree change of the weights
  moves the boundary across many points; after, across almost none (EECS 498 lecture 10)."""),
]

NOTEBOOKS["03_initialization.ipynb"] = [
    ("md", """# Weight initialization

A deep network multiplies its input by one weight matrix after another. If the weights
are a little too small, the signal shrinks at every layer; a little too large, and it
grows (or saturates the non-linearity). Either way the gradients that reach the first
layers are useless.

The panel below repeats the experiment of EECS 498 lecture 10: 16 random inputs through
6 layers of 4,096 tanh units, weights drawn as `std * randn(4096, 4096)`. Each row is a
layer's histogram; the strip on the right follows each layer's mean and standard deviation."""),
    ("code", "from nnlab.panels.initialization import InitializationPanel\n\npanel = InitializationPanel()\npanel"),
    ("md", """## Try this

- **std 0.01** (the default): the activations shrink layer by layer: std 0.49, 0.29,
  0.18, 0.11, 0.07, 0.05. Switch *show* to `gradients dL/da`: the gradient shrinks too,
  toward the input.
- Press **tanh, std 0.05**: now almost every unit sits at -1 or +1, where tanh is flat
  and its local gradient is zero.
- Press **tanh, Xavier**: std = 1/sqrt(fan_in) keeps every layer alike.
- Press **ReLU, Xavier** and then **ReLU, He**: ReLU zeroes half of its inputs, so it
  needs twice the variance: std = sqrt(2/fan_in).
- Press **batch norm rescues std 0.01** and look at the inputs of the non-linearity:
  every layer is normalized back to unit variance, whatever the weights.
- Press **zero init: symmetry**: every unit of a layer computes the same number, so every
  unit gets the same gradient, and they stay identical forever."""),
    ("md", """## The same numbers without the panel

The panel is drawn from `nnlab.core`; the numbers are there for you to check."""),
    ("code", """from nnlab.core.initstudy import run_study
from nnlab.panels.initialization import UNITS  # the weight draws the panel already made

study = run_study(depth=6, width=4096, batch=16, activation="tanh", init="normal", init_params={"std": 0.01},
                  gradients=False, cache=UNITS)
print("per-layer std:", study.stds.round(2))"""),
]


NOTEBOOKS["05_dropout.ipynb"] = [
    ("md", """# Dropout

During training, dropout keeps every unit with probability *p* and sets the others to zero,
so every forward pass uses a different thinned network, and every example of a minibatch
its own. At test time all units are on, so the outputs must be scaled to match their
training-time expectation: *inverted* dropout divides by *p* during training (and does
nothing at test time), *vanilla* dropout multiplies by *p* at test time.

In nnlab *p* is always the probability of **keeping** a unit; the drop probability is 1 - p.
(PyTorch's `nn.Dropout(p)` takes the drop probability.)"""),
    ("code", "from nnlab.panels.dropout import DropoutPanel\n\npanel = DropoutPanel()\npanel"),
    ("md", """## Try this

- Press **new forward pass** a few times: a new sub-network each time. The grid shows the
  whole minibatch: one column per example, a different network for each.
- Press **DropConnect drops weights**: the weights are dropped instead of the units.
- Press **inverted dropout: expectations agree**: the average of the training-time outputs
  equals the test-time output. Then **vanilla without test scaling: mismatch**: forgetting
  the multiplication by *p* makes every test-time activation 1/p times too large.
- Press **ensemble of sub-networks**: averaging sampled sub-networks converges to the exact
  ensemble; one test-time pass with scaled weights is a cheap approximation of it.
- Press **dropout against overfitting**: the same network on 60 noisy points, without and
  with dropout. Compare the boundaries and the gap between training and validation accuracy."""),
]

NOTEBOOKS["07_optimizers.ipynb"] = [
    ("md", """# Optimizers

Gradient descent follows the steepest direction downhill, which is rarely the direction
of the minimum. On a surface that is steep one way and shallow the other, SGD zig-zags
across the steep direction and crawls along the shallow one; at a saddle point the
gradient all but vanishes. Momentum, Nesterov's look-ahead, and the per-parameter step
sizes of Adagrad, RMSprop, Adadelta and Adam are answers to these problems.

Every optimizer below starts from the black cross. The paths are the optimizers of
`nnlab.core.optim`, the same objects that train networks in nnlab (and that match
`torch.optim` to rounding)."""),
    ("code", "from nnlab.panels.trajectories import TrajectoriesPanel\n\npanel = TrajectoriesPanel()\npanel"),
    ("md", """## Try this

- Press **long valley**: SGD (red) bounces across the valley; with the same step it cannot
  go faster along it. Momentum builds up speed along the floor.
- Press **saddle point**: started a hair off the ridge, SGD slides toward the saddle and
  stays; Adagrad, RMSprop and Adadelta scale up the tiny gradient and escape.
- Press **Beale's function + Adam** and press play (the triangle): Adam reaches the minimum
  (the star) first.
- Click anywhere on the contour plot to start from there.
- Raise SGD's learning rate (open *SGD* below the controls) until it diverges: the legend
  says at which step.
- Press **noisy bowl: momentum smooths**: with noisy gradients, SGD's steps point every which
  way; momentum averages them."""),
    ("md", """## For slides

Save the current picture, or the animation of the paths growing step by step."""),
    ("code", """panel.save("trajectories.png")
panel.save_animation("trajectories.gif", frames=60)"""),
]


def slide_type(index: int, kind: str, source: str) -> str:
    if index == 0 or (kind == "md" and source.startswith(("# ", "## "))):
        return "slide"
    return "fragment" if kind == "md" else "-"


def notebook(cells: list[tuple[str, str]], name: str) -> dict:
    out = []
    for i, (kind, source) in enumerate(cells):
        cell = {
            "cell_type": "markdown" if kind == "md" else "code",
            "id": f"{name.split('_')[0]}-{i:02d}",
            "metadata": {"slideshow": {"slide_type": slide_type(i, kind, source)}},
            "source": source.splitlines(keepends=True),
        }
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "rise": {"scroll": True, "enable_chalkboard": False},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def render(name: str) -> str:
    return json.dumps(notebook(NOTEBOOKS[name], name), indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    for name in NOTEBOOKS:
        (HERE / name).write_text(render(name))
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
