# %% [markdown]
# # Data preprocessing
#
# Before training, the CS231n notes centre the data (subtract the mean of every feature)
# and often normalize it (divide by the standard deviation). PCA goes further: it rotates
# the data onto the eigenvectors of its covariance matrix, where the features are
# uncorrelated; whitening then divides every direction by its standard deviation.
#
# All of these statistics are _fitted on the training split_ and then applied to the
# validation and test splits. In the panel, training points are blue and test points orange.

# %% nnlab={"panel": "preprocessing", "sweep": {"preset": ["all"]}}
from nnlab.topics.preprocessing import PreprocessingPanel

panel = PreprocessingPanel()
panel

# %% [markdown]
# ## Try this
#
# - Move *correlation* and *anisotropy*: the centred and normalized clouds keep their tilt;
#   the decorrelated cloud is always axis-aligned; the whitened one is always round.
# - Press **whitening exaggerates noise**: a third feature of pure noise, 100 times smaller
#   than the others, is stretched to unit variance like the real directions.
#   **larger eps tames it**: `1 / sqrt(S + eps)` leaves the tiny directions small.
# - Press **train/test leak** with few points: fitting the statistics on all the data pulls
#   the test set toward the training set's picture, which flatters every evaluation.
# - Press **PCA of image patches**: the top eigenvectors of 8x8 patches of a photograph are
#   smooth blobs, then edges, then finer patterns. Move *components k* and watch the
#   reconstruction; the variance explained reaches 95% with very few components. The
#   PCA-whitened patches are shown back in pixels (the top k whitened components times their
#   eigenvectors); with all 64 components that is ZCA.
# - Press **per-channel: VGG, ResNet**: VGG subtracts each colour channel's mean; ResNet also
#   divides by each channel's std, and min-max maps each channel's range onto [-1, 1]. The
#   histograms below the images show what each does to the values.
# - Set *normalize by* to `min-max to [-1, 1]`: the notes' other way to normalize.
# - Press **far from the origin**: before normalization a 2 degree change of the weights
#   moves the boundary across many points; after, across almost none (EECS 498 lecture 10).
