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

# %% nnlab={"panel": "trajectories", "sweep": {"preset": ["long valley", "noisy bowl: momentum smooths"], "frame": [0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180, 195, 210, 225, 240, 255, 270, 285, 300]}}
from nnlab.topics.trajectories import TrajectoriesPanel

panel = TrajectoriesPanel()
panel

# %% [markdown]
# ## Try this
#
# - Press **long valley** (Radford's animation): started high on the valley's wall, SGD gets
#   nowhere (6% of the way in 300 steps); Momentum and NAG oscillate across the floor while they
#   build up speed along it (45%); Adagrad, RMSprop and Adadelta scale the tiny gradient along
#   the valley up and reach the end. One setting is not standard: Adadelta's *eps* is 1e-4. With
#   PyTorch's default 1e-6 its first steps are about sqrt(eps) = 0.001 long and it covers 13%
#   of the way: try it.
# - Press **Beale's function** (Radford's animation): the large first gradient makes Momentum
#   and NAG shoot past the minimum and bounce around; Adagrad's first step is the largest of
#   all (its learning rate in every coordinate: "almost unstable"); Adadelta and RMSprop go
#   down steadily, their loss never rising.
# - Press **Beale's function + Adam** and press play (the triangle): Adam (momentum with
#   per-coordinate step sizes) reaches the minimum (the star) steadily; NAG, once it has
#   bounced back, happens to get there sooner on this surface. Press **tune learning rates**
#   and race again.
# - Click anywhere on the contour plot to start from there.
# - Raise SGD's learning rate (the row *SGD* below the controls) until it diverges: the legend
#   says at which step.
# - Press **noisy bowl: momentum smooths**: with noisy gradients, SGD's steps point every which
#   way; momentum averages them. The status line measures it: consecutive steps of SGD agree
#   in direction by a mean cosine near 0, Momentum's by about 0.8-0.9 (in each of five seeds).
# - Press **tune learning rates** for a fair race: each optimizer gets the best of 30
#   learning rates (log-spaced) on this surface, from this start, by its mean loss over the
#   last quarter of the steps (with noise, the final point alone would reward a rate that
#   wanders).
# - Each optimizer has its own line style: on the **saddle point** Adagrad's path lies on
#   RMSprop's, and the status line says so.
# - Tick *optimizer state* and step through a run: arrows show the velocity of Momentum, NAG
#   and Adam (10 steps of it), ellipses the per-coordinate step sizes of Adagrad, RMSprop,
#   Adadelta and Adam (wide where a coordinate's gradients have been small); the status line
#   gives the numbers, with Adam's bias corrections 1/(1 - beta^t), large in the first steps.
# - Switch *view* to `basins`: 64 start points over the surface, each coloured by where every
#   optimizer ends from it: at the minimum, stalled, or diverged. Where you start decides.

# %% [markdown]
# ## For slides
#
# Save the current picture, or the animation of the paths growing step by step.

# %%
panel.save("trajectories.png")
panel.save_animation("trajectories.gif", frames=60)
