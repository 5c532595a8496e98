# %% [markdown]
# # Training: babysitting the learning process
#
# Everything so far looked at a network before it learns. Here one learns, live: a small
# network on 2-D data, trained step by step with the core's trainer. The lectures' advice
# for watching a run (CS231n "Babysitting the learning process", EECS 498 lecture 11) is in
# the status line as the run goes: the initial loss against ln C, a loss that does not go
# down, a loss that explodes, update/weight ratios far from 1e-3, dead units, overfitting.
#
# Press **play** to train (and **pause**); **step** trains one frame of *steps per frame*
# steps; **reset** goes back to step 0. The views: *regions* (what the network predicts
# everywhere, with the training points as dots and the validation points as crosses),
# *curves* (loss and accuracy), *inside* (each layer's activations over training; saturated
# and dead units), *updates* (each weight matrix's update/weight ratio, and its gradient norm).

# %% nnlab={"panel": "training", "sweep": {"preset": ["spiral: 2-layer net (CS231n)", "learning rate 1e6: explodes", "overfitting: noisy moons"], "iteration": [0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500]}}
from nnlab.topics.training import TrainingPanel

panel = TrainingPanel()
panel

# %% [markdown]
# ## Try this
#
# - Before pressing play, read the status line: the initial loss is 1.09, close to
#   ln 3 = 1.099, as a softmax over C = 3 classes should start. Set *regularizer* to `l2`
#   with a large *strength*: it starts higher, as it should.
# - **spiral: linear softmax** then **spiral: 2-layer net (CS231n)**: the case study of the
#   notes. Play each: the linear classifier stops near 50%; the net with 100 hidden ReLUs
#   (regularization 1e-3, full batch) passes 97% by step 5,000 (the notes: 98% after 10,000
#   iterations). The notes use step size 1.0; the preset uses 0.5, because on this spiral
#   1.0 makes the loss jump above 3 times its start in one of five seeds (seed 0, after about
#   1,500 steps), and the status line then warns that the learning rate may be too high.
# - **initial loss ln 10 (digits)**: the same check at C = 10 on real images, scikit-learn's
#   8 x 8 handwritten digits (1,797 of them, 64 pixels each): with small weights the loss
#   starts at 2.302, the lecture's ln 10 = 2.303. **initial loss with L2 on: higher (digits)**
#   starts at 3.49. Play the first: after 1,000 steps about 95% of the validation digits are
#   right; the *regions* view shows some of them with the network's guesses (red when wrong,
#   the truth in brackets). If you have CIFAR-10 (its python version), choose *data*
#   `CIFAR-10 (a local folder)` and type the folder into *CIFAR-10 folder*: nothing is
#   downloaded.
# - **overfit 20 points (sanity check)**: a network must be able to learn a tiny set
#   perfectly, with regularization off: 100% and a loss near 0.
# - **learning rate 1e-6: barely moves**, **learning rate 1e6: explodes**,
#   **good learning rate**, **bad init: plateau, then learning**: the loss-curve gallery of
#   the lectures, in the *curves* view (with the learning rate each step used below it).
# - **race to 25% error: ReLU** then **race to 25% error: tanh**: play each to step 1,000;
#   the status line says when the training error first fell below 25%: step 90 with ReLU,
#   650 with tanh here (AlexNet's figure: about 6 times faster).
# - Change the *learning rate* while the run plays: it goes on from the current step with the
#   new rate (no reset). So do the *strength* of the regularizer, dropout's keep probability
#   and the *schedule* (a new schedule starts at the step you choose it, without a jump).
#   Anything else starts a new run.
# - **bad init: dead ReLUs**: with a negative initial bias every ReLU outputs 0 for every
#   point, nothing learns; the *inside* view shows 100% dead units.
# - **deep tanh, no batch norm** against **deep tanh + batch norm**: six tanh layers with
#   std 0.01 stall; with batch norm they train.
# - **overfitting: noisy moons** then **dropout and L2 against it**: the gap between
#   training and validation accuracy shrinks.
# - Choose *data* `drawn points only` (or any set), pick *a click adds class*, and click on
#   the regions to add points; **clear points** removes them.

# %% [markdown]
# ## A note on the lecture
#
# - In the CS231n lecture on babysitting the learning process, the slide of the exploding run
#   has learning rate 1e6, but the transcript reads "one E negative six" there, the rate of the
#   slide before (the one that barely moves). The two presets are both:
#   **learning rate 1e-6: barely moves** (the loss changes by less than 1% in 500 steps) and
#   **learning rate 1e6: explodes** (the status line reports a loss above 3 times the first at
#   step 2).
