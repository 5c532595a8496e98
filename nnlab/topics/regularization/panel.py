"""Regularization and generalization (CS231n notes "Neural Networks Part 2" and lecture 7, CMU 11-785
"Optimization part 2" and "Regularization", EECS 498 lecture 10). Dropout has its own panel.

Views: *L2, L1, elastic net*: the learned weights of one network trained with each (L1 leaves most of them
nearly zero), with their regions; *max-norm*: at a learning rate where the plain run blows up, the run whose
units' weight vectors are projected to norm c does not; *steep sigmoid*: large weights make a steep sigmoid and
an overfit boundary, L2 keeps it smooth (CMU); *early stopping*: train and validation loss per epoch, the best
epoch's weights kept (the core's patience); *depth*: the same number of neurons in 1, 2 or 4 layers (CMU: depth
and smoothness); *augmentation*: flips, crops, scales, colour jitter (AlexNet's PCA jitter too), cutout and
mixup on a photograph, digits or CIFAR-10; *accuracy gain*: validation accuracy of a small digits
classifier trained on a few examples with and without augmentation.
"""

from __future__ import annotations

import numpy as np

from nnlab.app.base import Control, Panel, View
from nnlab.topics.regularization import draw as viz
from nnlab.topics.regularization import study as study

LABELS = {"none": "no penalty", "l2": "L2", "l1": "L1", "elastic_net": "elastic net"}
STEEP_WEIGHTS = (0.5, 1.0, 2.0, 5.0, 20.0, 50.0)
STEEP_X = np.linspace(-4.0, 4.0, 401)


def _percent(value: float) -> str:
    return f"{value:.0%}"


class Penalties(View):
    keys = ("lam", "seed")

    def compute(self, state):
        fits, extent = study.penalties(state["lam"], state["seed"])
        return {"fits": fits, "extent": extent}

    def estimate(self, state):
        return 0.6  # four runs of 300 full-batch steps: 0.53 s here (bench_regularization_panel)

    def draw(self, figure, result, state):
        return viz.draw_penalties(figure, list(study.PENALTIES), LABELS)

    def update(self, art, result, state):
        fits = result["fits"]
        titles = [f"{LABELS[n]}: {_percent(fits[n].near_zero)} < 1e-3\ntrain {_percent(fits[n].train_acc)}, "
                  f"val {_percent(fits[n].val_acc)}" for n in study.PENALTIES]  # fmt: skip
        hist = f"learned weights, lambda = {state['lam']:g}"
        viz.update_penalties(art, fits, study.moons(*study.MOONS, state["seed"]), result["extent"], titles, hist)

    def describe(self, result, state):
        fits = result["fits"]
        return (f"weights below 1e-3: L1 {fits['l1'].near_zero:.0%}, elastic net {fits['elastic_net'].near_zero:.0%}, "
                f"L2 {fits['l2'].near_zero:.0%}, none {fits['none'].near_zero:.0%}: L1 drives weights to zero, "
                "L2 only makes them small")  # fmt: skip


class MaxNormView(View):
    keys = ("maxnorm_lr", "c", "seed")

    def compute(self, state):
        return study.max_norm(state["maxnorm_lr"], state["c"], state["seed"])

    def estimate(self, state):
        return 0.3

    def draw(self, figure, result, state):
        return viz.draw_max_norm(figure)

    def update(self, art, result, state):
        plain, bounded = result["plain"], result["max-norm"]

        def said(run):
            return (f"stopped at step {len(run.losses) - 1} (loss > 3x the first)" if run.status == "diverged"
                    else f"finished, validation {run.val_acc:.0%}")  # fmt: skip

        titles = [f"SGD + momentum, lr {state['maxnorm_lr']:g}\nplain: {said(plain)}\nmax-norm: {said(bounded)}",
                  f"every unit's ||w|| <= c = {state['c']:g} after each step"]  # fmt: skip
        viz.update_max_norm(art, result, state["c"], titles)

    def describe(self, result, state):
        worst = max(result["max-norm"].max_norms)
        return f"max-norm: the largest unit norm is {worst:.3f} <= c = {state['c']:g} at every step"


class SteepView(View):
    keys = ("steep_lam", "seed")

    def compute(self, state):
        fits, extent, largest = study.steep(state["steep_lam"], state["seed"])
        return {"fits": fits, "extent": extent, "largest": largest}

    def estimate(self, state):
        return 1.1

    def draw(self, figure, result, state):
        return viz.draw_steep(figure, study.sigmoid_curves(STEEP_WEIGHTS, STEEP_X), STEEP_X)

    def update(self, art, result, state):
        fits, largest = result["fits"], result["largest"]
        titles = [f"{name}: largest |w| {largest[name]:.1f}\ntrain {_percent(fits[name].train_acc)}, "
                  f"val {_percent(fits[name].val_acc)}" for name in fits]  # fmt: skip
        viz.update_region_axes(art.axes, art.images, art.points, list(fits.values()),
                               study.moons(*study.FEW_MOONS, state["seed"]), result["extent"], titles)  # fmt: skip


class StoppingView(View):
    keys = ("patience", "seed")

    def compute(self, state):
        return study.early_stopping(state["patience"], state["seed"])

    def estimate(self, state):
        return 0.6

    def draw(self, figure, result, state):
        return viz.draw_stopping(figure)

    def update(self, art, result: study.Stopping, state):
        titles = [f"60 training digits: the training loss falls to {result.train_loss[-1]:.1e}\n"
                  f"validation loss lowest at epoch {int(np.argmin(result.val_loss))}",
                  f"best validation accuracy at epoch {result.best_epoch}: "
                  f"{result.val_acc[result.best_epoch]:.1%}"]  # fmt: skip
        viz.update_stopping(art, result, result.epochs, titles)

    def describe(self, result: study.Stopping, state):
        if state["patience"] == 0:
            return f"no early stopping: {result.epochs} epochs, final validation accuracy {result.val_acc[-1]:.1%}"
        return f"{result.message}: validation accuracy {result.kept_val_acc:.1%}"


class DepthView(View):
    keys = ("neurons", "depth_data", "seed")

    def compute(self, state):
        return study.depth(state["neurons"], state["seed"], data=state["depth_data"])

    def estimate(self, state):
        # three full-batch trainings of 400 epochs: 200 moons about 0.5 s, 1,600 points of the star about 4 s here
        return 0.5 if state["depth_data"] == "noisy moons" else 4.0

    def draw(self, figure, result, state):
        return viz.draw_depth(figure, len(study.DEPTHS))

    def update(self, art, result, state):
        axes, images, points = art
        fits, rough, off = result.fits, result.rough, result.off_target
        n = state["neurons"]
        measure = {d: f"{off[d]:.1%} off the target" if off else f"roughness {rough[d]:.4f}" for d in study.DEPTHS}
        titles = [f"{d} x {n // d} units: {measure[d]}\ntrain {_percent(fits[d].train_acc)}, "
                  f"val {_percent(fits[d].val_acc)}" for d in study.DEPTHS]  # fmt: skip
        viz.update_region_axes(axes, images, points, [fits[d] for d in study.DEPTHS],
                               study.depth_data(state["depth_data"], state["seed"]), result.extent, titles)  # fmt: skip

    def describe(self, result, state):
        if result.off_target:
            off = result.off_target
            parts = ", ".join(f"{d} layer(s) {off[d]:.1%}" for d in study.DEPTHS)
            return (f"{state['neurons']} units fit to 1,600 clean points: the share of the picture classified "
                    f"otherwise than the star: {parts}")  # fmt: skip
        rough = result.rough
        order = sorted(rough, key=rough.get)
        smoothest, roughest = order[0], order[-1]
        return (f"with {state['neurons']} units, the smoothest boundary here is {smoothest} layer(s), the roughest "
                f"{roughest} (roughness: the mean change of P(class) between neighbouring grid cells)")  # fmt: skip


class GalleryView(View):
    keys = ("source", "cifar10_path", "seed", "pad", "cutout_size", "jitter", "alpha")

    def compute(self, state):
        return study.gallery(state["source"], state["seed"], state["pad"], state["cutout_size"], state["jitter"],
                             state["alpha"], state["cifar10_path"])  # fmt: skip

    def draw(self, figure, result, state):
        return viz.draw_gallery(figure, len(result.pictures))

    def update(self, art, result: study.Gallery, state):
        viz.update_gallery(art, result.pictures, result.titles, study.CUTOUT_AT, result.box)

    def describe(self, result, state):
        if state["source"] == "digits":
            return "a flipped digit is often another digit (or none): flips suit photographs, not digits"
        return ""


class EffectView(View):
    keys = ("train_size", "seed")

    def compute(self, state):
        return study.augmentation_effect(state["train_size"], state["seed"])

    def estimate(self, state):
        return 1.3

    def draw(self, figure, result, state):
        return viz.draw_effect(figure, list(study.AUGMENTATIONS))

    def update(self, art, result, state):
        n = state["train_size"]
        titles = [f"{n} training digits, {study.STEPS} steps each", "after training"]
        viz.update_effect(art, result, titles)

    def describe(self, result, state):
        final = result.final
        best = max((k for k in final if k != "none"), key=final.get)
        return (f"without augmentation {final['none']:.1%}; best with it: {best} {final[best]:.1%}; "
                f"flips {final['flips']:.1%} (a flipped digit is another digit)")  # fmt: skip


class RegularizationPanel(Panel, name="regularization"):
    title = "Regularization"
    description = "L2, L1, elastic net, max-norm, early stopping, depth, and data augmentation."
    views = {"L2, L1, elastic net": Penalties(), "max-norm": MaxNormView(), "steep sigmoid": SteepView(),
             "early stopping": StoppingView(), "depth": DepthView(), "augmentation": GalleryView(),
             "accuracy gain": EffectView()}  # fmt: skip
    defaults = {
        "view": "L2, L1, elastic net",
        "lam": 0.001,
        "maxnorm_lr": 0.5,
        "c": 3.0,
        "steep_lam": 0.001,
        "patience": 10,
        "neurons": 48,
        "depth_data": "noisy moons",
        "source": "photograph",
        "cifar10_path": "",
        "pad": 8,
        "cutout_size": 32,
        "jitter": 0.4,
        "alpha": 1.0,  # lambda uniform on [0, 1]: Zhang et al.'s choice for CIFAR-10
        "train_size": 50,
        "seed": 0,
    }
    controls = (
        Control("view", "view", "toggle", options=tuple(views)),
        Control("lam", "lambda", "log", 1e-5, 1.0, continuous=False, views=("L2, L1, elastic net",)),
        Control("maxnorm_lr", "learning rate", "log", 0.01, 3.0, continuous=False, views=("max-norm",)),
        Control("c", "c (max norm)", "float", 0.5, 10.0, step=0.5, continuous=False, views=("max-norm",)),
        Control("steep_lam", "L2 lambda", "log", 1e-5, 1.0, continuous=False, views=("steep sigmoid",)),
        Control("patience", "patience (0: off)", "int", 0, 50, continuous=False, views=("early stopping",)),
        Control("neurons", "hidden units in all", "int", 8, 128, step=4, continuous=False, views=("depth",)),
        Control("depth_data", "data", "toggle", options=study.DEPTH_DATA, views=("depth",)),
        Control("source", "images", "toggle", options=study.SOURCES, views=("augmentation",)),
        Control("cifar10_path", "CIFAR-10 folder", "text", views=("augmentation",)),
        Control("pad", "crop padding", "int", 0, 32, views=("augmentation",)),
        Control("cutout_size", "cutout size", "int", 0, 64, views=("augmentation",)),
        Control("jitter", "colour jitter", "float", 0.0, 1.0, step=0.05, views=("augmentation",)),
        Control("alpha", "mixup alpha", "float", 0.05, 2.0, step=0.05, views=("augmentation",)),
        Control(
            "train_size", "training digits", "int", 20, 200, step=10, continuous=False, views=("accuracy gain",)
        ),  # fmt: skip
        Control("seed", "seed", "int", 0, 9, continuous=False),  # most views train networks on a new seed
    )
    presets = {
        "L1 makes weights zero": {},
        "strong penalties (0.01): all fit worse": {"lam": 0.01},
        "max-norm keeps a high learning rate finite": {"view": "max-norm"},
        "large weights: a steep sigmoid (CMU)": {"view": "steep sigmoid"},
        "early stopping keeps the best epoch": {"view": "early stopping"},
        "no early stopping: overfitting": {"view": "early stopping", "patience": 0},
        "depth on 200 noisy points": {"view": "depth"},
        "depth and a clean target (CMU)": {"view": "depth", "depth_data": "clean star (CMU)"},
        "augmentations of a photograph": {"view": "augmentation"},
        "augmentations of a digit": {"view": "augmentation", "source": "digits", "pad": 1, "cutout_size": 3},
        "augmentation on 50 digits": {"view": "accuracy gain"},
    }
    figsize = (10.0, 5.0)

    def shows_control(self, control, state):
        """The CIFAR-10 folder only when CIFAR-10 is the source."""
        if control.name == "cifar10_path":
            return state["view"] == "augmentation" and state["source"] == "CIFAR-10"
        return super().shows_control(control, state)
