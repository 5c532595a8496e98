# %% [markdown]
# # Weight initialization
#
# A deep network multiplies its input by one weight matrix after another. If the weights
# are a little too small, the signal shrinks at every layer; a little too large, and it
# grows (or saturates the non-linearity). Either way the gradients that reach the first
# layers are useless.
#
# The panel below repeats the experiment of EECS 498 lecture 10: 16 random inputs through
# 6 layers of 4,096 tanh units, weights drawn as `std * randn(4096, 4096)`. Each row is a
# layer's histogram; the strip on the right follows each layer's mean and standard deviation.

# %% nnlab={"panel": "initialization", "sweep": {"preset": ["all"]}}
from nnlab.topics.initialization import InitializationPanel

panel = InitializationPanel()
panel

# %% [markdown]
# ## Try this
#
# - **tanh, std 0.01** (the default): the activations shrink layer by layer: std 0.49, 0.29,
#   0.18, 0.11, 0.07, 0.05. Switch *show* to `gradients dL/da`: the gradient shrinks too,
#   toward the input.
# - Press **tanh, std 0.05**: now the std stays near 0.85 in every layer, and about a third
#   of the values (41% in the first layer, 33% in the others) sit beyond +-0.99, where tanh
#   is flat and its local gradient is below 0.02. The slide says "all" saturate; the figure
#   shows a third, enough to choke the gradient.
# - Press **tanh, Xavier**: std = 1/sqrt(fan_in) neither collapses nor saturates: the std
#   falls gently, from 0.63 in the first layer to 0.29 in the sixth (std 0.01: 0.49 to 0.05).
# - Press **ReLU, Xavier** and then **ReLU, He**: ReLU zeroes half of its inputs, so it
#   needs twice the variance: std = sqrt(2/fan_in).
# - Press **batch norm rescues std 0.01** and look at the inputs of the non-linearity:
#   every layer is normalized back to unit variance, whatever the weights.
# - Press **zero init: symmetry**: every unit of a layer computes the same number, so every
#   unit gets the same gradient, and they stay identical forever.
# - The CS231n experiment, 10 layers of 500 units and 1,000 inputs: **CS231n: 10 tanh x 500**
#   collapses to zero; **CS231n: tanh, std 1 saturates** puts about 90% of the units at
#   |a| > 0.99; **CS231n: ReLU, Xavier** shrinks from std 0.585 to 0.025, and
#   **CS231n: ReLU, He** ("divided by two") stays near 0.81.
# - **linear, Xavier**: with no non-linearity, Var(y) = Din Var(x) Var(w) = Var(x) when
#   Var(w) = 1/Din: the std stays 1. **SELU, LeCun** does the same with a non-linearity
#   (self-normalizing).
# - **sparse: 10 connections**: every unit listens to only k inputs (the notes' "as small as
#   10"); *connections per unit (sparse)* sets k.
# - **ReLU, He, bias 0.01**: the notes' small positive bias; the notes per layer say how many
#   units are active.
# - **residual, He: variance grows** and **residual, W2 = 0** (EECS 498, residual networks):
#   with *residual blocks* on, each layer is x + F(x); with He init the variance triples block
#   by block, and with the second layer of each block set to zero Var(x + F(x)) = Var(x).
# - In the gradient views the x axis is log10 |value|, the same for every preset: at std
#   0.01 dL/dW sits a decade left of Xavier's. *gradient axis* `linear, zoomed` zooms in.

# %% [markdown]
# ## The same numbers without the panel
#
# The panel is drawn from `nnlab.core`; the numbers are there for you to check.

# %%
from nnlab.topics.initialization.study import run_study
from nnlab.topics.initialization.panel import UNITS  # the weight draws the panel already made

study = run_study(
    depth=6,
    width=4096,
    batch=16,
    activation="tanh",
    init="normal",
    init_params={"std": 0.01},
    gradients=False,
    cache=UNITS,
)
print("per-layer std:", study.stds.round(2))

# %% [markdown]
# ## A note on the slides
#
# nnlab's numbers disagree with a few lines of the lecture slides; here they are, measured.
#
# - At std 0.05 the slide says the local gradients are "all zero". They are small, not zero:
#   the mean of tanh' is 0.28 in layers 2 to 6, and dL/dW is 3.6 (layer 6) to 19 (layer 1)
#   times Xavier's.
# - At std 0.01 dL/dW is flat across the layers (about 1.7e-4 in every layer: the forward
#   signal shrinks toward the output while the backward signal grows toward it). What
#   vanishes toward the input is dL/da.
# - EECS 498's "Kaiming / MSRA" code divides by sqrt(Din), as its Xavier code does; He's
#   std for ReLU is sqrt(2 / Din), which the **ReLU, He** preset uses.
#
# The cell below measures the first two.

# %%
import numpy as np

for label, init, params in (("std 0.05", "normal", {"std": 0.05}), ("Xavier", "xavier_normal", {}),
                            ("std 0.01", "normal", {"std": 0.01})):  # fmt: skip
    study = run_study(depth=6, width=4096, batch=16, activation="tanh", init=init, init_params=params, cache=UNITS)
    print(
        f"{label:8}  mean tanh' per layer:", np.round([np.mean(1 - layer.activation**2) for layer in study.layers], 2)
    )
    print(f"{'':8}  std of dL/dW:", np.array([layer.grad_W.std() for layer in study.layers]).round(5))
    print(f"{'':8}  std of dL/da:", np.array([layer.grad_activation.std() for layer in study.layers]).round(6))
