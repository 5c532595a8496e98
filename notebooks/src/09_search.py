# %% [markdown]
# # Hyperparameter search
#
# The learning rate and the regularization strength are not learned: we choose them, by
# training with many settings and keeping the one with the best validation accuracy (never the
# test set). The lecture's recipe (CS231n lecture 6, "Hyperparameter Optimization"):
#
# - search on a validation split, a few epochs per trial first;
# - sample the learning rate and the regularization strength _in log space_: 1e-4 and 1e-3
#   differ as much as 1e-2 and 1e-1;
# - _random search, not grid search_ (Bergstra and Bengio, 2012): when only some parameters
#   matter, a grid wastes its trials on repeated values of the important ones;
# - _coarse to fine_: a wide first stage, then a narrower one around the best region;
# - stop a trial whose loss passes 3 times its first value, and distrust a best value at the
#   edge of the range: widen the range and search again.
#
# The views: *grid vs random* and *search*.

# %% nnlab={"panel": "search", "sweep": {"preset": ["coarse search: 30 trials (digits)"], "done": [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]}}
from nnlab.topics.search import SearchPanel

panel = SearchPanel()
panel

# %% [markdown]
# ## Try this
#
# - **grid against random: 9 trials**: the function has a narrow peak along the important
#   parameter and hardly changes along the other (the curves above and beside each square). The
#   grid's 9 trials test only 3 values of the important parameter; the random trials test 9. The
#   status line counts over 200 such problems: random search found the better value in 64% of
#   them, the grid in 36%. **grid against random: 16 trials**: 4 values against 16, and random
#   wins 75%. Change *problem* to move the peak.
# - **coarse search: 30 trials (digits)**: a real search. Each trial trains a small network
#   (64 inputs, 50 ReLU units, 10 classes) on 1,000 of scikit-learn's 8 x 8 digits for 5
#   epochs and scores it on 500 others. The learning rate runs from 1e-4 to 1 and the L2
#   strength from 1e-5 to 1, both log-uniform. The table lists the best trials; red crosses
#   are runs stopped because the loss passed 3 times its first value.
# - Press **clear**, then **run search**: trials appear as they finish, with the progress bar
#   above the table; **stop** pauses, **run search** goes on. *trials at a time* runs several at
#   once through joblib (*in parallel with* *processes* or *threads*); the same seed gives the
#   same trials however they ran.
# - **coarse to fine: 2 x 30 trials (digits)**: after the first 30 trials, a second stage of 30
#   samples only the dashed box around the best fifth of the first (the triangles).
# - **range too narrow: best at the edge**: learning rates from 1e-4 to 1e-2 only. The best
#   trial sits at the top of the range, and the status line says to widen it.
# - **rates too high: runs stop early**: learning rates from 0.3 to 100. Most runs blow up
#   and stop early; a short search finds that out in seconds.
# - **coarse to fine on the spiral**: the CS231n case study's spiral, 10 epochs per trial.
#
# ## A search on a cluster
#
# The panel runs trials through `nnlab.core.search.evaluate`, which hands them to joblib. A
# course with a cluster runs the same search on Dask or Ray without changing the code: set
# joblib's backend around the call and choose `backend="configured"`.
#
# ```python
# import joblib
# from distributed import Client  # pip install "dask[distributed]"
# from nnlab.core import search_study
#
# client = Client("tcp://scheduler:8786")
# space = search_study.stage_space((1e-4, 1.0), (1e-5, 1.0))
# params = search_study.stage_trials(space, 200, seed=0, stage=0)
# with joblib.parallel_config(backend="dask"):
#     trials = search_study.search_stage("digits", 5, params, 0, 0, n_jobs=-1, backend="configured")
# ```
#
# With Ray: `from ray.util.joblib import register_ray; register_ray()`, then
# `joblib.parallel_config(backend="ray")`.
