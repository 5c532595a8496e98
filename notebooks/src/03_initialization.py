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

# %%
from nnlab.panels.initialization import InitializationPanel

panel = InitializationPanel()
panel

# %% [markdown]
# ## Try this
#
# - **tanh, std 0.01** (the default): the activations shrink layer by layer: std 0.49, 0.29,
#   0.18, 0.11, 0.07, 0.05. Switch *show* to `gradients dL/da`: the gradient shrinks too,
#   toward the input.
# - Press **tanh, std 0.05**: now almost every unit sits at -1 or +1, where tanh is flat
#   and its local gradient is zero.
# - Press **tanh, Xavier**: std = 1/sqrt(fan_in) keeps every layer alike.
# - Press **ReLU, Xavier** and then **ReLU, He**: ReLU zeroes half of its inputs, so it
#   needs twice the variance: std = sqrt(2/fan_in).
# - Press **batch norm rescues std 0.01** and look at the inputs of the non-linearity:
#   every layer is normalized back to unit variance, whatever the weights.
# - Press **zero init: symmetry**: every unit of a layer computes the same number, so every
#   unit gets the same gradient, and they stay identical forever.

# %% [markdown]
# ## The same numbers without the panel
#
# The panel is drawn from `nnlab.core`; the numbers are there for you to check.

# %%
from nnlab.core.initstudy import run_study
from nnlab.panels.initialization import UNITS  # the weight draws the panel already made

study = run_study(depth=6, width=4096, batch=16, activation="tanh", init="normal", init_params={"std": 0.01},
                  gradients=False, cache=UNITS)
print("per-layer std:", study.stds.round(2))
