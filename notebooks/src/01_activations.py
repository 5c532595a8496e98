# %% [markdown]
# # Activation functions
#
# Every hidden unit computes f(w . x + b). In the backward pass the gradient that reaches the
# unit is multiplied by f'(w . x + b), its _local gradient_: where f' is (nearly) zero, nothing
# flows back and the weights below learn nothing. So the shape of f' decides much of how a
# network trains. The lectures (CS231n lecture 6, EECS 498 lecture 10) go through the
# classic choices: sigmoid, tanh, ReLU, then Leaky ReLU, PReLU, ELU, SELU, GELU and Maxout.
#
# The views: *functions* (f and f' of the functions chosen under *show*, coloured below where
# f' is under 1% of its maximum), *inputs* (a layer's pre-activations in a deep network drawn
# under f), *zig-zag* (why zero-centred outputs matter), *dead units* (ReLUs that never fire),
# *depth* (statistics through 50 layers) and *race* (which trains faster).

# %% nnlab={"panel": "activations", "sweep": {"preset": ["all"]}}
from nnlab.topics.activations import ActivationsPanel

panel = ActivationsPanel()
panel

# %% [markdown]
# ## Try this
#
# - **sigmoid kills gradients**: beyond |x| = 6 the sigmoid's f' is under 1% of its largest
#   value, 1/4; at x = 10 it is 4.5e-5. Even at its best the sigmoid passes on a quarter of
#   the gradient, so ten sigmoid layers shrink it at least a million times.
# - **the ReLU family (EECS 498)**: ReLU's f' is exactly 0 on the whole negative side (dead);
#   Leaky ReLU keeps a small slope there (0.01 in PyTorch, 0.1 on the EECS 498 slides: move
#   *Leaky ReLU slope*); ELU and SELU saturate only far out; GELU's f' even turns slightly
#   negative. **GELU against x sigmoid(1.702 x)**: the cheap approximation differs from GELU by
#   at most 0.020. **Maxout, k = 3**: the maximum of _k_ lines, with _k_ times the parameters.
# - **tanh, std 1: saturated**: the *inputs* view puts real pre-activations under f: a
#   6-layer tanh network of width 500 with weights of std 1 (the CS231n experiment). Almost
#   every unit sits in a flat tail. Move *std (normal init)* down to 0.05 and the units come
#   back to the middle.
# - **sigmoid: f' at most 1/4 per layer** and **ReLU, He: half the values get no gradient**:
#   the status line multiplies the layers' mean local gradients.
# - **not zero-centred: zig-zag**: one neuron whose inputs are all positive (like a sigmoid
#   layer's outputs) learns a target w* = (1, -1). For one example the gradient on w is a
#   number times x, so both of its entries have the same sign: every step goes up-right or
#   down-left, and the path zig-zags. With centred inputs it goes almost straight. Then
#   **minibatches help**: averaging 32 examples' gradients frees the direction.
# - **dead ReLUs: learning rate too high**: after a few large steps, 12 of the 32 first-layer
#   units (red) lie with the whole data cloud on their inactive side. They get no gradient and
#   never come back. **dead ReLUs: started off the data** does it with a negative starting
#   bias. **Leaky ReLU does not die** and **ELU started off the data does not die**: the same
#   runs with a non-zero slope on the negative side.
# - **SELU self-normalizes (LeCun init)**: through 50 layers the activations keep mean 0 and
#   std 1 (within 0.05); **SELU with He init drifts**: the same network with twice the weight
#   variance grows layer after layer.
# - **ReLU against tanh and sigmoid**: the same network and data, trained with each. Here
#   ReLU reaches 25% training error at step 90, tanh at 650, sigmoid not in 1,500 steps.
#   AlexNet reported about 6x for ReLU over tanh on CIFAR-10; this is a much smaller problem,
#   and other seeds give other ratios (try *seed*).

# %% [markdown]
# ## A note on the slides
#
# - EECS 498's SELU slide gives alpha twice, and its second copy is two digits short. SELU's
#   constants (Klambauer et al. 2017) are alpha = 1.6732632423543772848170429916717 and
#   lambda = 1.0507009873554804934193349852946; nnlab and PyTorch use them, and the cell below
#   prints nnlab's.
# - "ReLU trains about 6x faster than tanh" is AlexNet on CIFAR-10. In this panel's race the
#   ratio is 7.2 (90 against 650 steps), and it changes with the seed.

# %%
from nnlab.core.activations import SELU

print(f"alpha = {SELU.alpha!r}, lambda = {SELU.scale!r}")
