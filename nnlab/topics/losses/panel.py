"""Loss functions (CS231n notes "Linear classification" and "Neural Networks Part 2", CMU 11-785
"Optimization part 2").

Views: *scores*: one example's class scores, moved by sliders, under the multiclass SVM (margins, delta,
hinge or squared hinge) and softmax cross-entropy, with each loss's gradient on every score; *linear
classifier*: three classes in the plane, a linear classifier trained with each loss (the CS231n demo);
*error surfaces*: CMU's sigmoid perceptron, L2 error against KL divergence over its two weights, with
gradient-descent paths from one start; *regression*: L2 against L1 with an outlier you move; *attributes*:
binary logistic and the attribute hinge per attribute. Every loss and gradient drawn is the core's.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.app.base import Control, Panel, View
from nnlab.core._checks import SettingError
from nnlab.topics.losses import draw as viz
from nnlab.topics.losses import study as study

# The lecture's three classes first (CS231n: cat 3.2, car 5.1, frog -1.7), then the rest of CIFAR-10's.
CLASS_NAMES = ("cat", "car", "frog", "bird", "deer", "dog", "horse", "ship", "truck", "plane")
SCORE_KEYS = tuple(f"score_{name}" for name in CLASS_NAMES)
SURFACE_TITLES = ["L2: mean (y - t)^2", "KL (cross-entropy)"]
RESIDUALS = np.linspace(-40.0, 40.0, 161)  # the regression view's gradient curves


def _scores(state) -> np.ndarray:
    return np.array([state[key] for key in SCORE_KEYS[: state["classes"]]])


@lru_cache(maxsize=10)
def _linear_data(seed: int):
    return study.linear_data(seed)


class ScoresView(View):
    keys = ("classes", "true_class", *SCORE_KEYS, "delta", "hinge")

    def compute(self, state):
        return study.score_losses(_scores(state), CLASS_NAMES.index(state["true_class"]), state["delta"],
                                  state["hinge"] == "squared hinge")  # fmt: skip

    def layout(self, state):
        return state["classes"]

    def draw(self, figure, result, state):
        return viz.draw_scores(figure, list(CLASS_NAMES[: state["classes"]]))

    def update(self, art, result: study.ScoreLosses, state):
        true = CLASS_NAMES.index(state["true_class"])
        squared = "squared hinge" if state["hinge"] == "squared hinge" else "hinge"
        titles = [f"SVM ({squared}, delta {state['delta']:g}): L = {result.svm:.2f}\n"
                  f"scores; red: above f_{state['true_class']} - delta",
                  f"softmax: p({state['true_class']}) = {result.probabilities[true]:.2f}\n"
                  f"L = -ln p = {result.softmax:.2f}",
                  "gradient dL/df_j of each loss"]  # fmt: skip
        viz.update_scores(art, _scores(state), true, state["delta"], result, titles)

    def describe(self, result: study.ScoreLosses, state):
        c = state["classes"]
        if not np.any(_scores(state)):
            return (f"all scores 0: SVM loss = (C - 1) delta = {result.svm:g}, softmax loss = ln C = "
                    f"{result.softmax:.3f} for C = {c}: the sanity check for a fresh classifier")  # fmt: skip
        if result.svm == 0.0:
            return (f"every margin holds: the SVM loss and its gradient are 0, it stops caring; softmax still "
                    f"wants more (L = {result.softmax:.3f}, its gradient is never 0)")  # fmt: skip
        return ""


class LinearView(View):
    keys = ("reg", "lr", "steps", "seed")

    def compute(self, state):
        X, y = _linear_data(state["seed"])
        return [study.train_linear(X, y, loss, state["reg"], state["lr"], state["steps"], state["seed"])
                for loss in study.CLASSIFIER_LOSSES]  # fmt: skip

    def layout(self, state):
        return state["seed"]

    def estimate(self, state):
        return 1e-4 * state["steps"]  # two runs of 90 points, about 20,000 steps per second each, here

    def draw(self, figure, result, state):
        return viz.draw_linear(figure, *_linear_data(state["seed"]), ["SVM", "softmax"])

    def update(self, art, result, state):
        titles = [f"{name}: loss {run.data_loss:.3f}, accuracy {run.accuracy:.0%}"
                  for name, run in zip(("SVM", "softmax"), result)]  # fmt: skip
        curve = f"{state['steps']} steps, lr {state['lr']:g}, reg {state['reg']:g}"
        viz.update_linear(art, result, titles, curve)

    def describe(self, result, state):
        svm, softmax = result
        if state["steps"] and svm.data_loss < 1e-9 < softmax.data_loss:
            return ("the SVM's data loss is 0: every margin holds and it stops; softmax keeps pushing the "
                    "correct scores up")  # fmt: skip
        return ""


class SurfacesView(View):
    keys = ("start_w1", "start_w2", "surface_lr", "surface_steps", "seed")

    def compute(self, state):
        X, t = study.perceptron_data(state["seed"])
        start = (state["start_w1"], state["start_w2"])
        return {loss: study.perceptron_path(X, t, loss, start, state["surface_lr"], state["surface_steps"])
                for loss in study.SURFACE_LOSSES}  # fmt: skip

    def layout(self, state):
        return state["seed"]

    def draw(self, figure, result, state):
        return viz.draw_surfaces(figure, study.perceptron_surfaces(state["seed"]), SURFACE_TITLES)

    def update(self, art, result, state):
        (l2_path, l2_err, _), (kl_path, kl_err, _) = result["l2"], result["kl"]
        title = (f"{state['surface_steps']} steps, lr {state['surface_lr']:g}\n"
                 f"L2 {l2_err[0]:.3f} -> {l2_err[-1]:.3f}\nKL {kl_err[0]:.2f} -> {kl_err[-1]:.2f}")  # fmt: skip
        viz.update_surfaces(art, [l2_path, kl_path], [l2_err, kl_err], title)

    def describe(self, result, state):
        l2_grad, kl_grad = result["l2"][2][0], result["kl"][2][0]
        return f"gradient at the start: |dL2/dw| = {l2_grad:.2g}, |dKL/dw| = {kl_grad:.2g}"


class RegressionView(View):
    keys = ("outlier_y", "seed")

    def compute(self, state):
        return study.regression(state["outlier_y"], state["seed"])

    def draw(self, figure, result, state):
        return viz.draw_regression(figure, RESIDUALS, *study.outlier_gradients(RESIDUALS))

    def update(self, art, result: study.Regression, state):
        titles = [f"L2 line: slope {result.l2_fit[0]:.2f}; L1 line: slope {result.l1_fit[0]:.2f} "
                  f"(the data's: 0.5)",
                  f"the outlier's gradient: L2 {result.l2_outlier_grad:.1f}, "
                  f"L1 {result.l1_outlier_grad:.0f}"]  # fmt: skip
        viz.update_regression(art, result, titles)

    def describe(self, result: study.Regression, state):
        return ("L2's gradient on one example grows with its residual (2 r): the outlier pulls the line; L1's is "
                "sign(r), at most 1")  # fmt: skip


class AttributesView(View):
    keys = ("attribute_score", "present")

    def compute(self, state):
        return [study.attribute_loss(state["attribute_score"], state["present"], loss)
                for loss in ("logistic", "hinge")]  # fmt: skip

    def draw(self, figure, result, state):
        return viz.draw_attributes(figure, study.attribute_curves())

    def update(self, art, result, state):
        (lv, lg), (hv, hg) = result
        word = "present" if state["present"] else "absent"
        titles = [f"attribute {word}, score {state['attribute_score']:g}: logistic {lv:.3f}, hinge {hv:.3f}",
                  f"gradients: logistic {lg:.3f}, hinge {hg:g}"]  # fmt: skip
        viz.update_attributes(art, state["attribute_score"], result, titles)


def _score_control(name: str) -> Control:
    return Control(f"score_{name}", f"{name} score", "float", -20.0, 20.0, step=0.05, views=("scores",))


class LossesPanel(Panel, name="losses"):
    title = "Loss functions"
    description = (
        "What the SVM, softmax, L2, L1 and the attribute losses ask of the scores, and the gradients they give."
    )
    views = {"scores": ScoresView(), "linear classifier": LinearView(), "error surfaces": SurfacesView(),
             "regression": RegressionView(), "attributes": AttributesView()}  # fmt: skip
    defaults = {
        "view": "scores",
        "classes": 3,
        "true_class": "cat",
        **dict.fromkeys(SCORE_KEYS, 0.0),
        "score_cat": 3.2,
        "score_car": 5.1,
        "score_frog": -1.7,
        "delta": 1.0,
        "hinge": "hinge",
        "reg": 1e-3,
        "lr": 0.5,
        "steps": 100,
        "start_w1": -6.0,
        "start_w2": -4.0,
        "surface_lr": 1.0,
        "surface_steps": 100,
        "outlier_y": 5.0,
        "attribute_score": 1.0,
        "present": True,
        "seed": 0,
    }
    controls = (
        Control("view", "view", "toggle", options=tuple(views)),
        Control("classes", "classes", "int", 3, 10, views=("scores",)),
        Control("true_class", "true class", "choice", options=CLASS_NAMES, views=("scores",)),
        *(_score_control(name) for name in CLASS_NAMES),
        Control("delta", "delta (SVM margin)", "float", 0.0, 10.0, step=0.1, views=("scores",)),
        Control("hinge", "SVM", "toggle", options=("hinge", "squared hinge"), views=("scores",)),
        Control("reg", "regularization", "log", 1e-4, 10.0, views=("linear classifier",)),
        Control("lr", "learning rate", "log", 1e-3, 10.0, views=("linear classifier",)),
        Control("steps", "gradient steps", "int", 0, 2000, step=10, views=("linear classifier",)),
        Control("start_w1", "start w1", "float", -9.0, 9.0, step=0.5, views=("error surfaces",)),
        Control("start_w2", "start w2", "float", -9.0, 9.0, step=0.5, views=("error surfaces",)),
        Control("surface_lr", "learning rate", "log", 1e-2, 30.0, views=("error surfaces",)),
        Control("surface_steps", "steps", "int", 0, 1000, step=10, views=("error surfaces",)),
        Control("outlier_y", "outlier's y", "float", -20.0, 30.0, step=0.5, views=("regression",)),
        Control("attribute_score", "attribute score", "float", -6.0, 6.0, step=0.1, views=("attributes",)),
        Control("present", "attribute present", "bool", views=("attributes",)),
        Control("seed", "seed", "int", 0, 9, views=("scores", "linear classifier", "error surfaces", "regression")),
    )
    actions = {"small random scores": "small_random_scores", "50 more steps": "more_steps"}
    presets = {
        "CS231n: cat 3.2, car 5.1, frog -1.7": {},
        "the notes' example: 13, -7, 11, delta 10": {
            "score_cat": 13.0,
            "score_car": -7.0,
            "score_frog": 11.0,
            "delta": 10.0,
        },  # fmt: skip
        "margins hold: SVM 0, softmax wants more": {"score_cat": 10.0, "score_car": 9.0, "score_frog": 9.0},
        "all scores 0: C - 1 and ln C (10 classes)": {"classes": 10, **dict.fromkeys(SCORE_KEYS, 0.0)},
        "the squared hinge (L2-SVM)": {"hinge": "squared hinge"},
        "linear classifier: SVM against softmax": {"view": "linear classifier"},
        "linear classifier: strong regularization": {"view": "linear classifier", "reg": 1.0},
        "CMU: L2 is flat far away, KL is steep": {"view": "error surfaces"},
        "CMU: near the optimum both descend": {"view": "error surfaces", "start_w1": 0.5, "start_w2": -1.0},
        "an outlier pulls the L2 line": {"view": "regression", "outlier_y": 25.0},
        "attributes: logistic against hinge": {"view": "attributes"},
        "attribute absent, score 3": {"view": "attributes", "present": False, "attribute_score": 3.0},
    }
    figsize = (10.0, 4.6)

    def shows_control(self, control, state):
        """Only the scores of the classes in play."""
        if control.name in SCORE_KEYS and state["view"] == "scores":
            return SCORE_KEYS.index(control.name) < state["classes"]
        return super().shows_control(control, state)

    def follow(self, changes, state):
        """Fewer classes than the true class needs: the true class becomes the last one left."""
        out = dict(changes)
        classes = changes.get("classes")
        if isinstance(classes, int) and not isinstance(classes, bool) and 3 <= classes <= 10:
            true = state["true_class"]
            if true in CLASS_NAMES and CLASS_NAMES.index(true) >= classes:
                out.setdefault("true_class", CLASS_NAMES[classes - 1])
        return out

    def check(self, state):
        if CLASS_NAMES.index(state["true_class"]) >= state["classes"]:
            shown = ", ".join(CLASS_NAMES[: state["classes"]])
            raise SettingError(f"true_class={state['true_class']!r} is not valid with {state['classes']} classes: "
                             f"choose one of: {shown}")  # fmt: skip

    def small_random_scores(self) -> str:
        """The scores of a fresh classifier, 0.05 N(0, 1) (seeded): the losses are about C - 1 and ln C."""
        scores = study.small_scores(self._state["classes"], self._state["seed"])
        self.set(view="scores", **dict(zip(SCORE_KEYS, map(float, scores))))
        result = self.result
        if self.error is not None or not isinstance(result, study.ScoreLosses):
            return ""
        c = self._state["classes"]
        return (f"small random scores: SVM {result.svm:.3f} (C - 1 = {c - 1}), softmax {result.softmax:.3f} "
                f"(ln C = {np.log(c):.3f}): the lecture's first sanity check")  # fmt: skip

    def more_steps(self) -> str:
        """50 more gradient steps of the linear classifiers (up to the slider's 2000)."""
        self.set(view="linear classifier", steps=min(self._state["steps"] + 50, 2000))
        return ""
