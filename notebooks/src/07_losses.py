# %% [markdown]
# # Loss functions
#
# A loss turns a network's scores into one number to minimize, and its gradient is the only
# thing training ever sees of it. Two losses can agree on which answer is right and still ask
# very different things of the scores: the multiclass SVM is satisfied once the correct score
# beats the others by a margin delta, softmax cross-entropy always wants more. For regression,
# the L2 loss lets one outlier pull hard, the L1 loss does not.
#
# The views: *scores* (one example, the SVM against softmax), *linear classifier* (both losses
# on the same 2-D data), *error surfaces* (CMU 11-785: one sigmoid perceptron, L2 against KL
# divergence), *regression* (L2 against L1 with an outlier) and *attributes* (a yes/no loss per
# attribute). Every value and gradient drawn comes from `nnlab.core.losses`, the same functions
# the training notebook uses.

# %% nnlab={"panel": "losses", "sweep": {"preset": ["all"]}}
from nnlab.topics.losses import LossesPanel

panel = LossesPanel()
panel

# %% [markdown]
# ## Try this
#
# - **CS231n: cat 3.2, car 5.1, frog -1.7**: the lecture's cat image. Its SVM loss is 2.9: only
#   *car* beats f_cat - delta (the dashed line), by 2.9 (the red bar). Softmax gives the cat a
#   probability of 0.13 and a loss of -ln 0.13 = 2.04. Both gradients push the cat's score up and
#   the car's down; the SVM ignores the frog altogether.
# - **the notes' example: 13, -7, 11, delta 10**: the CS231n notes' worked SVM example,
#   0 + max(0, 11 - 13 + 10) = 8.
# - **margins hold: SVM 0, softmax wants more**: scores 10, 9, 9. Every margin holds, so the SVM
#   loss and its gradient are exactly 0; it stops caring. Softmax's loss is 0.55 and its gradient
#   still pushes: it is never satisfied (in the notes' words, it "always wants more").
# - **all scores 0: C - 1 and ln C (10 classes)**, then **small random scores**: a freshly
#   initialised classifier has small scores, so the first loss should be about C - 1 for the SVM
#   (delta 1) and ln C for softmax: 9 and 2.303 for ten classes. The lecture's first sanity check
#   when training starts. Change *classes* and watch both numbers follow.
# - **the squared hinge (L2-SVM)**: it squares each margin violation; the gradient grows with the
#   violation instead of staying at 1.
# - **linear classifier: SVM against softmax**: three classes in the plane, scores = x W + b,
#   trained by gradient descent with each loss (press **50 more steps**). The lines are where
#   each class's score is 0, as in the CS231n linear-classification demo.
#   **linear classifier: strong regularization**: reg 1 shrinks W; the regions stay, the
#   scores get small.
# - **CMU: L2 is flat far away, KL is steep**: a sigmoid perceptron y = sigmoid(w . x) on 100
#   points. Far from the optimum the sigmoid saturates: the L2 error is a plateau (gradient 0.01
#   at the start) and gradient descent barely moves in 100 steps, while the KL divergence
#   (cross-entropy) is steep there (gradient 0.79) and its path walks straight to the good
#   region. **CMU: near the optimum both descend**: start near the optimum and both work.
# - **an outlier pulls the L2 line**: drag *outlier's y*. The L2 line tilts towards the outlier;
#   the L1 line stays with the other 19 points. On the right, one example's gradient against its
#   residual: 2 r for L2 (the notes: "outliers can introduce huge gradients"), sign(r) for L1.
#   The notes' advice when a regression target is hard to fit: quantize it into bins and
#   classify instead, where the loss per example is bounded by the softmax.
# - **attributes: logistic against hinge**: when an image can have several attributes at once,
#   one yes/no loss per attribute. The binary logistic loss is
#   L_ij = -[y_ij log sigmoid(f_j) + (1 - y_ij) log(1 - sigmoid(f_j))].
#   _Note:_ the CS231n notes print this formula without the leading minus sign; without it
#   the "loss" would be negative and maximized. The attribute hinge is max(0, 1 - y_ij f_j)
#   with y_ij = +1 or -1. **attribute absent, score 3**: the hinge grows linearly once the score
#   is on the wrong side of the margin; the logistic loss too, after a smooth bend.

# %% [markdown]
# ## A note on the notes
#
# - The CS231n notes give the gradient of the L2 regression loss L_i = ||f - y_i||^2 on one
#   output as delta_ij (the difference between prediction and truth). The gradient of a square
#   is twice that: 2 delta_ij, which is what the *regression* view draws. The notes' delta_ij
#   is the gradient of 1/2 ||f - y_i||^2. The cell below checks it with the core's loss.
# - The binary logistic loss is printed there without its leading minus sign (see
#   **attributes: logistic against hinge** above).

# %%
import numpy as np

from nnlab.core.losses import l2

prediction, truth = np.array([[3.0]]), np.array([[1.0]])
loss, gradient = l2(prediction, truth)
print(f"delta = {(prediction - truth).item():.1f}; L2 loss = {loss:.1f}; its gradient = {gradient.item():.1f}")
