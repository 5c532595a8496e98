# %% [markdown]
# # Dropout
#
# During training, dropout keeps every unit with probability _p_ and sets the others to zero,
# so every forward pass uses a different thinned network, and every example of a minibatch
# its own. At test time all units are on, so the outputs must be scaled to match their
# training-time expectation: *inverted* dropout divides by _p_ during training (and does
# nothing at test time), *vanilla* dropout multiplies by _p_ at test time.
#
# In nnlab _p_ is always the probability of _keeping_ a unit; the drop probability is 1 - p.
# (PyTorch's `nn.Dropout(p)` takes the drop probability.)

# %% nnlab={"panel": "dropout", "sweep": {"preset": ["all"]}}
from nnlab.topics.dropout import DropoutPanel

panel = DropoutPanel()
panel

# %% [markdown]
# ## Try this
#
# - Press **new forward pass** a few times: a new sub-network each time. The grid shows the
#   whole minibatch: one column per example, a different network for each. The bars below it
#   show the share of units each example keeps: about _p_, not exactly _p_ (each unit is kept
#   by its own coin flip); the graph shows the outlined example, one whose share is nearest _p_.
# - Press **DropConnect drops weights**: the weights are dropped instead of the units.
# - Press **inverted dropout: expectations agree**: the average of the training-time outputs
#   equals the test-time output. Then **vanilla without test scaling: mismatch**: forgetting
#   the multiplication by _p_ makes every test-time activation 1/p times too large. The table
#   beside it is EECS 498's one neuron, a = w1 x + w2 y: its four masks, their probabilities,
#   and E[a] = p (w1 x + w2 y), exactly.
# - Press **ensemble of sub-networks**: averaging sampled sub-networks converges to the exact
#   ensemble; one test-time pass with scaled weights is a cheap approximation of it, and only
#   an approximation: for this ReLU network its expected scores are 1.17 away (L1), while the
#   same network made linear matches exactly, because E[f(h)] = f(E[h]) only for a linear f.
# - Press **dropout against overfitting**: the same network on 60 noisy points, without and
#   with dropout. Compare the boundaries and the gap between training and validation accuracy.
