# %% [markdown]
# # Regularization
#
# A network with enough units can fit its training set exactly, noise included, and then does
# worse on new data. Regularization trades a little training fit for better generalization.
# The lectures' list: penalties on the weights (L2, L1, elastic net), a constraint on them
# (max-norm), stopping before the fit gets too good (early stopping), dropout (its own
# notebook), and more data made from the data we have (augmentation).
#
# The views: *L2, L1, elastic net*, *max-norm*, *steep sigmoid*, *early stopping*, *depth*,
# *augmentation* and *accuracy gain*. Every network here trains with the same core as
# the training notebook; every augmentation is one numpy function in `nnlab.core.augment`.

# %% nnlab={"panel": "regularization", "sweep": {"preset": ["all"]}}
from nnlab.topics.regularization import RegularizationPanel

panel = RegularizationPanel()
panel

# %% [markdown]
# ## Try this
#
# - **L1 makes weights zero**: one network (2-50-50-2, ReLU) trained on noisy moons four times:
#   without a penalty, with L2 (1/2 lambda w^2), L1 (lambda |w|) and the elastic net (both), at
#   lambda = 1e-3. All four fit alike (train about 97%, validation about 90%), but the
#   histograms of the learned weights differ: L1 and the elastic net leave about 70% of the
#   weights below 1e-3, L2 none. L1's gradient lambda sign(w) does not shrink as w does, so it
#   pushes weights all the way to zero; L2's lambda w fades near zero and only makes weights
#   small. **strong penalties (0.01): all fit worse**: a stronger penalty costs fit.
# - **max-norm keeps a high learning rate finite**: SGD with momentum at learning rate 0.5 on
#   the spiral. The plain run's weights grow until its loss passes 3 times its first value
#   (the lecture's rule for a run that explodes) and it stops. With max-norm, every unit's
#   incoming weight vector is projected back to norm c = 3 after each step (the notes suggest
#   3 or 4): the norms sit at c, and the run finishes. This holds in 4 of 5 seeds (*seed* 1
#   turns it around: there the plain run finishes and the max-norm run stops), and at learning
#   rates 1.0 and 2.0 no better. Try *c (max norm)* and *learning rate*.
# - **large weights: a steep sigmoid (CMU)**: sigmoid(w x) turns into a step as w grows, and a
#   network of such units can draw a boundary around single points. Without a penalty, the
#   largest first-layer weight reaches about 26 and the boundary bends around the training
#   points; with L2 (*L2 lambda*) the weights stay near 5 and the boundary stays smooth.
# - **early stopping keeps the best epoch**: 60 training digits and a network large enough
#   to memorize them. The training loss falls towards 0; the validation loss stops falling
#   after about 15 epochs and then rises. With *patience (0: off)* 10, training stops 10 epochs
#   after the best validation accuracy and keeps that epoch's weights (the star).
#   **no early stopping: overfitting**: 150 epochs; the validation loss has turned up.
# - **depth and a clean target (CMU)**: CMU's claim that deeper networks impose more
#   smoothness comes from a setting with many points of a clean target: here 1,600 points
#   labelled by a star-shaped region, and the same 48 hidden units as one layer of 48, two of
#   24 or four of 12. The titles measure how much of the picture each classifies otherwise
#   than the star: about 4-6% for one layer against about 1% for two or four (in each of five
#   seeds). One wide layer rounds the star's points off; the deeper splits follow them.
# - **depth on 200 noisy points**: the same split on 200 noisy moons, where no clean region
#   exists. Here the four-layer split draws a rougher boundary than the single layer (the
#   titles' roughness, in each of five seeds): with little, noisy data, depth follows the
#   noise too. Whether depth smooths depends on the data; look before you believe either
#   claim. Try *data* and *hidden units in all*.
# - **augmentations of a photograph**: one draw of each augmentation of EECS 498's list:
#   horizontal flip, random crop (a shift, padding with zeros), random crop and scale, colour
#   jitter, AlexNet's PCA colour jitter (along the principal components of the image's
#   colours), cutout (a square of zeros), and mixup, which blends two images and their labels
#   (the title gives the mixed label, e.g. 0.4 face / 0.6 uniform). Change *seed* for new
#   draws, and *crop padding*, *cutout size*, *colour jitter* and *mixup alpha*. With
#   *images* *CIFAR-10* and a *CIFAR-10 folder* (the python version, nothing is downloaded),
#   mixup blends the first cat and the first dog, as the slide does.
# - **augmentations of a digit**: the same on an 8 x 8 digit. A flipped 3 is no digit at all:
#   an augmentation must keep the label true.
# - **augmentation on 50 digits**: a small network trained on 50 digits, and on the same 50
#   with 4 augmented copies of each, all for 1,000 steps. Shifts with cutout raise the
#   validation accuracy from about 81% to 84%; flips lower it to 76%. With *training digits*
#   100 or more, the gain is gone: as EECS 498 says, augmentation matters most for small data
#   sets.

# %% [markdown]
# ## A note on the slides
#
# - EECS 498 lecture 10 shows cutout (Cutout, DeVries and Taylor 2017) on a slide titled
#   "Stochastic Depth", the title of the slide before it. Cutout zeroes one square of the
#   input image; stochastic depth drops whole residual blocks while training. Only cutout is
#   here (**augmentations of a photograph**, *cutout size*).
