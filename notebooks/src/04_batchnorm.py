# %% [markdown]
# # Batch normalization
#
# A deep network trains badly when each layer's inputs drift in scale and offset: the
# initialization notebook showed activations vanishing or saturating layer by layer. Batch
# normalization (Ioffe and Szegedy, 2015) fixes the statistics by force: for every unit, over
# the minibatch, x_hat = (x - mean) / sqrt(var + eps), then y = gamma x_hat + beta with two
# learned numbers per unit, so the layer can still represent any scale and offset. During
# training it uses the batch's own statistics; at test time, running averages of them.
#
# The views: *one batch*, *batch to batch*, *coupled*, *train vs eval*, *backward* and
# *rescue*.

# %% nnlab={"panel": "batchnorm", "sweep": {"preset": ["all"]}}
from nnlab.topics.batchnorm import BatchNormPanel

panel = BatchNormPanel()
panel

# %% [markdown]
# ## Try this
#
# - **normalize one batch**: one unit's pre-activations over a batch of 32 (mean near 3, std
#   near 2), normalized to mean 0 and std 1, then scaled by *gamma* and shifted by *beta*.
#   Press **gamma = sigma, beta = mu**: the output equals the input again (to 1e-16), the
#   lecture's point that batch norm can learn to undo itself.
# - **batch of 4: noisy statistics** and **batch of 128: steady statistics**: the batch mean
#   moves from batch to batch by about sigma / sqrt(B); the right plot shows it for every
#   batch size. Try *batch size* 1: a single example has no variance, and the panel says so.
# - **batch mates are coupled**: move *example 1* of a five-example batch; the other four
#   outputs move too, though their inputs did not. Each example's output depends on its
#   batch mates (a mild regularizer, and a reason small batches hurt).
# - **running statistics (PyTorch)**: in training, PyTorch keeps running averages with
#   momentum 0.1 for test time. **cumulative average = CMU rule**: with `momentum=None` the
#   running variance is exactly the CMU 11-785 inference rule, B/(B-1) times the mean of the
#   batch variances. **small batch: train and eval differ**: with batches of 2 the same
#   inputs give quite different outputs in the two modes.
# - **backward pass step by step**: the computational graph of the CMU slides for a batch of
#   four; every node shows its values and its gradient, and the line below checks them
#   against the core's backward pass and central differences.
# - **rescue: deep tanh, std 0.01** and **rescue: deep ReLU, std 0.01**: six layers with
#   weights too small learn nothing without batch norm (the right plot shows each layer's
#   output std at the start: it falls layer by layer, to below 1e-7 by the sixth) and most of
#   the spiral with it (above 80% for tanh and 90% for ReLU in each of five seeds; chance is
#   33%). **a higher learning rate (2.5)**: with a good initialization, the plain network's
#   loss jumps around 10-40 and it stays at chance at learning rate 2.5, while the normalized
#   one trains (above 85% in each of five seeds). The plain network still trains at 0.5 and
#   fails from about 1.0 on, where the rounding of the machine's linear algebra can tip it
#   either way. **batch norm after the non-linearity**: the other placement trains too.
