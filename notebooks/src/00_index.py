# %% [markdown]
# # nnlab: how neural networks are trained
#
# An interactive companion to the lectures on training neural networks: CS231n *Training
# Neural Networks*, CMU 11-785 *Optimization*, UMich EECS 498 lecture 10.
#
# Every notebook has a short text, live panels (move a control and the figure follows) and
# *try this* prompts. Work through them in order:
#
# 1. [Activation functions](01_activations.ipynb): where each non-linearity saturates or dies,
#    why zero-centred outputs matter, SELU through 50 layers, and which trains faster.
# 2. [Data preprocessing](02_preprocessing.ipynb): mean subtraction, normalization, PCA and
#    whitening, and why the statistics come from the training split only.
# 3. [Weight initialization](03_initialization.ipynb): why std 0.01 kills a deep tanh network,
#    and what Xavier, He and batch norm do about it.
# 4. [Batch normalization](04_batchnorm.ipynb): one minibatch normalized, noisy statistics,
#    training against evaluation mode, the backward pass step by step, a deep network rescued.
# 5. [Dropout](05_dropout.ipynb): a different thinned network on every pass, why the outputs
#    are scaled, and dropout as a cheap ensemble.
# 6. [Regularization](06_regularization.ipynb): L2, L1 and elastic net, max-norm, early
#    stopping, depth, and data augmentation (flips, crops, colour jitter, cutout, mixup).
# 7. [Loss functions](07_losses.ipynb): the multiclass SVM against softmax on scores you move,
#    CMU's L2 and KL error surfaces, L2 against L1 with an outlier, attribute losses.
# 8. [Training](08_training.ipynb): a network learning live, with the lectures' babysitting
#    checks, the loss-curve gallery, dead units and overfitting.
# 9. [Hyperparameter search](09_search.ipynb): random against grid search, a real search of
#    the learning rate and regularization, coarse to fine, and what a result tells you.
# 10. [Optimizers](10_optimizers.ipynb): SGD, momentum, Nesterov, Adagrad, RMSprop, Adadelta
#    and Adam racing on Beale's function, a long valley and a saddle point.
#
# Pictures for slides: every panel has `panel.save("figure.png")` (or `.svg`, `.pdf`) and
# `panel.set(slides=True)` for a 16:9 figure with large text; animated panels have
# `panel.save_animation("clip.gif")` (or `.mp4`, `.html`). From a terminal:
# `python -m nnlab export trajectories --preset "saddle point" -o saddle.gif`.

# %%
import nnlab

print("nnlab", nnlab.__version__)
