# %% [markdown]
# # Optimizers
#
# Gradient descent follows the steepest direction downhill, which is rarely the direction
# of the minimum. On a surface that is steep one way and shallow the other, SGD zig-zags
# across the steep direction and crawls along the shallow one; at a saddle point the
# gradient all but vanishes. Momentum, Nesterov's look-ahead, and the per-parameter step
# sizes of Adagrad, RMSprop, Adadelta and Adam are answers to these problems.
#
# Every optimizer below starts from the black cross. The paths are the optimizers of
# `nnlab.core.optim`, the same objects that train networks in nnlab (and that match
# `torch.optim` to rounding).

# %%
from nnlab.panels.trajectories import TrajectoriesPanel

panel = TrajectoriesPanel()
panel

# %% [markdown]
# ## Try this
#
# - Press **long valley**: SGD (red) bounces across the valley; with the same step it cannot
#   go faster along it. Momentum builds up speed along the floor.
# - Press **saddle point**: started a hair off the ridge, SGD slides toward the saddle and
#   stays; Adagrad, RMSprop and Adadelta scale up the tiny gradient and escape.
# - Press **Beale's function + Adam** and press play (the triangle): Adam reaches the minimum
#   (the star) first.
# - Click anywhere on the contour plot to start from there.
# - Raise SGD's learning rate (the row *SGD* below the controls) until it diverges: the legend
#   says at which step.
# - Press **noisy bowl: momentum smooths**: with noisy gradients, SGD's steps point every which
#   way; momentum averages them.

# %% [markdown]
# ## For slides
#
# Save the current picture, or the animation of the paths growing step by step.

# %%
panel.save("trajectories.png")
panel.save_animation("trajectories.gif", frames=60)
