"""Optimizers shaped like ``torch.optim``: built on a list of arrays, ``step(grads)`` updates them in place.

The same object drives a network's weights (``Adam([W1, b1, W2, b2])``) and a batch
of 2-D points on a test surface (``Adam([points])`` with ``points`` of shape (P, 2)):
every update is elementwise, so it is vectorised over points for free.

Each ``_update`` mirrors its paper's formula in the form PyTorch 2.13 computes it
(``torch/optim/*.py``, ``_single_tensor_*``), so trajectories match ``torch.optim``
to rounding. Where textbooks differ, the variant is a parameter:

- ``eps_inside_sqrt`` (Adagrad, RMSprop, Adam): ``g / sqrt(v + eps)`` as on the CMU
  11-785 slides and in older CS231n notes, instead of PyTorch's ``g / (sqrt(v) + eps)``.
- ``SGD(nesterov=True, form="lookahead")``: the CMU 11-785 / Sutskever et al. 2013 form
  dW_t = mu dW_{t-1} - lr grad(W_{t-1} + mu dW_{t-1}), W_t = W_{t-1} + dW_t, where the
  gradient is taken at the look-ahead point :meth:`Optimizer.gradient_point`. Its
  look-ahead point W_t + mu dW_t is exactly PyTorch's (and CS231n's) parameter
  (Bengio et al. 2012, sec. 3.5); the tests show it.

``weight_decay`` adds lambda theta to every gradient (L2 in the loss, 1/2 lambda ||theta||^2),
except for AdamW and ``Adam(decoupled_weight_decay=True)``, which shrink theta directly.
It applies to every array the optimizer holds; to spare biases, regularize through
:mod:`nnlab.core.regularizers` instead.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from nnlab.core._checks import SettingError, check_array, check_choice, check_number
from nnlab.core.registry import Registry

State = dict[str, Any]


def _rate(name: str, value: float) -> float:
    """A decay rate or momentum in [0, 1)."""
    return check_number(name, value, low=0.0, high=1.0, high_open=True)


def _positive(name: str, value: float) -> float:
    return check_number(name, value, low=0.0, low_open=True)


def _nonnegative(name: str, value: float) -> float:
    return check_number(name, value, low=0.0)


class Optimizer:
    """Base class: holds the arrays, per-array state, the step count ``t`` and the learning rate ``lr``.

    Display: ``title`` is the name panels show (the registry name by default), ``color`` an optional
    fixed colour, ``knobs`` the hyperparameters besides ``lr`` that panels offer as controls, with
    ranges from ``KNOB_RANGES`` or ``knob_ranges``.
    """

    name = ""
    title: ClassVar[str] = ""
    color: ClassVar[str | None] = None
    knobs: ClassVar[tuple[str, ...]] = ()
    knob_ranges: ClassVar[dict[str, tuple[float, float, bool]]] = {}

    def __init__(self, params: list[np.ndarray] | np.ndarray, lr: float, weight_decay: float = 0.0) -> None:
        if isinstance(params, np.ndarray):
            params = [params]
        params = list(params)
        if not params:
            raise SettingError("params is empty; give the optimizer at least one array to update")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise SettingError(f"params[{i}] must be a floating-point numpy array (it is updated in place)")
        self.params = params
        self.lr = _nonnegative("lr", lr)
        self.weight_decay = _nonnegative("weight_decay", weight_decay)
        self.t = 0
        self.state: list[State] = []  # filled by _reset_state once subclasses set their hyperparameters

    def _init_state(self, p: np.ndarray) -> State:
        """The per-array state before the first step (buffers of zeros, say)."""
        return {}

    def _ensure_state(self) -> None:
        if not self.state:
            self.state = [self._init_state(p) for p in self.params]

    def step(self, grads: list[np.ndarray] | np.ndarray) -> None:
        """Update every array in place from its gradient (evaluated at :meth:`gradient_point`)."""
        if isinstance(grads, np.ndarray):
            grads = [grads]
        if not isinstance(grads, (list, tuple)):
            raise SettingError(f"grads must be a list of arrays (one per parameter), got {type(grads).__name__}")
        grads = [g if isinstance(g, np.ndarray) else check_array(f"grads[{i}]", g, finite=False)
                 for i, g in enumerate(grads)]  # fmt: skip
        if len(grads) != len(self.params):
            raise SettingError(f"grads has {len(grads)} arrays but the optimizer holds {len(self.params)}")
        if not self.state:
            self._ensure_state()
        self.t += 1
        decay = self.weight_decay
        for p, g, state in zip(self.params, grads, self.state):
            if g.shape != p.shape:
                raise SettingError(f"a gradient has shape {g.shape} but its parameter has shape {p.shape}")
            self._update(p, self._decay(p, g) if decay else g, state)

    def internals(self, i: int = 0) -> dict[str, Any]:
        """What the optimizer carries from step to step, for pictures (array ``i``; after at least one step):
        ``velocity`` (the running direction it moves along), ``step_size`` (per coordinate: how far a unit
        gradient moves it now), ``bias_correction`` (Adam's 1/(1 - beta1^t), 1/(1 - beta2^t)). None by default."""
        return {}

    def _decay(self, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Weight decay as L2 in the loss: g + lambda theta."""
        return g + self.weight_decay * p

    def _update(self, p: np.ndarray, g: np.ndarray, state: State) -> None:
        raise NotImplementedError

    def gradient_point(self, i: int = 0) -> np.ndarray:
        """Where the gradient for ``params[i]`` must be evaluated before :meth:`step`: the parameter itself."""
        return self.params[i]

    @property
    def looks_ahead(self) -> bool:
        """True when :meth:`gradient_point` is not the parameter itself."""
        return False

    def hyperparameters(self) -> dict[str, Any]:
        """The constructor's arguments (except ``params``) as the optimizer holds them now."""
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name not in ("self", "params")}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Polyak or Nesterov) momentum.

    theta <- theta - lr g. With momentum mu: b_t = mu b_{t-1} + (1 - dampening) g (b_1 = g),
    then g <- b_t, or g <- g + mu b_t for Nesterov (Sutskever et al. 2013 as rewritten by
    Bengio et al. 2012; PyTorch's form). With a constant lr this is CS231n's
    ``v = mu v - lr dx; x += v`` (v = -lr b) and the notes' Nesterov update.
    ``form="lookahead"`` keeps CMU 11-785's W instead (see the module docstring).
    """

    name = "sgd"
    title = "SGD"

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1e-2,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        form: str = "torch",
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = _rate("momentum", momentum)
        self.dampening = _rate("dampening", dampening)
        self.nesterov = bool(nesterov)
        self.form = check_choice("form", form, ["torch", "lookahead"])
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise SettingError("nesterov=True needs momentum > 0 and dampening = 0")
        if self.form == "lookahead" and not self.nesterov:
            raise SettingError("form='lookahead' is a way of writing Nesterov momentum; it needs nesterov=True")

    def _init_state(self, p):
        if self.form == "lookahead":
            return {"delta": np.zeros_like(p)}
        return {"momentum_buffer": None}  # b_1 = g: created from the first gradient, as in PyTorch

    def _update(self, p, g, state):
        mu = self.momentum
        if self.form == "lookahead":
            # dW_t = mu dW_{t-1} - lr grad(W + mu dW_{t-1}); W_t = W_{t-1} + dW_t
            dw = state["delta"]
            dw *= mu
            dw -= self.lr * g
            p += dw
            return
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= mu
                buf += (1.0 - self.dampening) * g
            g = g + mu * buf if self.nesterov else buf
        p -= self.lr * g

    def internals(self, i=0):
        """Momentum's velocity: the step it takes without a gradient, -lr mu b (or mu dW in the look-ahead form)."""
        if not self.momentum or not self.state:
            return {}
        if self.form == "lookahead":
            return {"velocity": self.momentum * self.state[i]["delta"]}
        buf = self.state[i]["momentum_buffer"]
        return {} if buf is None else {"velocity": -self.lr * self.momentum * buf}

    @property
    def looks_ahead(self) -> bool:
        return self.form == "lookahead"

    def gradient_point(self, i: int = 0) -> np.ndarray:
        """For the look-ahead form, W + mu dW; otherwise the parameter itself."""
        if self.form != "lookahead":
            return self.params[i]
        self._ensure_state()
        return self.params[i] + self.momentum * self.state[i]["delta"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011): G += g^2; theta -= lr g / (sqrt(G) + eps).

    ``lr_decay`` divides lr by 1 + (t - 1) lr_decay, as PyTorch does.
    """

    name = "adagrad"
    title = "Adagrad"

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        eps: float = 1e-10,
        initial_accumulator_value: float = 0.0,
        weight_decay: float = 0.0,
        eps_inside_sqrt: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.lr_decay = _nonnegative("lr_decay", lr_decay)
        self.eps = _positive("eps", eps)
        self.initial_accumulator_value = _nonnegative("initial_accumulator_value", initial_accumulator_value)
        self.eps_inside_sqrt = bool(eps_inside_sqrt)

    def _init_state(self, p):
        return {"sum": np.full_like(p, self.initial_accumulator_value)}

    def _update(self, p, g, state):
        acc = state["sum"]
        acc += g * g
        clr = self.lr / (1.0 + (self.t - 1) * self.lr_decay)
        denom = np.sqrt(acc + self.eps) if self.eps_inside_sqrt else np.sqrt(acc) + self.eps
        p -= clr * (g / denom)

    def internals(self, i=0):
        """The per-coordinate step size lr / sqrt(sum of g^2): it only shrinks."""
        if not self.state:
            return {}
        acc = self.state[i]["sum"]
        clr = self.lr / (1.0 + max(self.t - 1, 0) * self.lr_decay)
        denom = np.sqrt(acc + self.eps) if self.eps_inside_sqrt else np.sqrt(acc) + self.eps
        return {"step_size": clr / denom}


class RMSprop(Optimizer):
    """RMSprop (Hinton, Coursera lecture 6e): v = alpha v + (1 - alpha) g^2; theta -= lr g / (sqrt(v) + eps).

    ``centered`` subtracts the squared running mean of g (Graves 2013); ``momentum`` adds a
    buffer over the scaled step. Same as CS231n's ``rmsprop`` with decay_rate = alpha.
    """

    name = "rmsprop"
    title = "RMSprop"
    knobs = ("alpha",)

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        centered: bool = False,
        weight_decay: float = 0.0,
        eps_inside_sqrt: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha = _rate("alpha", alpha)
        self.eps = _positive("eps", eps)
        self.momentum = _rate("momentum", momentum)
        self.centered = bool(centered)
        self.eps_inside_sqrt = bool(eps_inside_sqrt)

    def _init_state(self, p):
        state = {"square_avg": np.zeros_like(p)}
        if self.centered:
            state["grad_avg"] = np.zeros_like(p)
        if self.momentum:
            state["momentum_buffer"] = np.zeros_like(p)
        return state

    def _update(self, p, g, state):
        a = self.alpha
        v = state["square_avg"]
        v *= a
        v += (1.0 - a) * (g * g)
        if self.centered:
            mean = state["grad_avg"]
            mean *= a
            mean += (1.0 - a) * g
            v = v - mean * mean
        avg = np.sqrt(v + self.eps) if self.eps_inside_sqrt else np.sqrt(v) + self.eps
        if self.momentum:
            buf = state["momentum_buffer"]
            buf *= self.momentum
            buf += g / avg
            p -= self.lr * buf
        else:
            p -= self.lr * (g / avg)

    def internals(self, i=0):
        """The per-coordinate step size lr / (sqrt(v) + eps), v the running mean of g^2."""
        if not self.state:
            return {}
        v = self.state[i]["square_avg"]
        if self.centered:
            v = v - self.state[i]["grad_avg"] ** 2
        return {"step_size": self.lr / (np.sqrt(v + self.eps) if self.eps_inside_sqrt else np.sqrt(v) + self.eps)}


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012): the step is g sqrt(u + eps) / sqrt(v + eps), u the running mean of steps^2.

    v = rho v + (1 - rho) g^2; d = sqrt(u + eps) / sqrt(v + eps) g; u = rho u + (1 - rho) d^2;
    theta -= lr d. The paper has lr = 1 (PyTorch's default too).
    """

    name = "adadelta"
    title = "Adadelta"
    knobs = ("rho", "eps")
    # eps matters: the first steps are about sqrt(eps) long (Radford's long valley needs 1e-4, not 1e-6)
    knob_ranges: ClassVar[dict[str, tuple[float, float, bool]]] = {"eps": (1e-8, 1.0, True)}

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.rho = _rate("rho", rho)
        self.eps = _positive("eps", eps)

    def _init_state(self, p):
        return {"square_avg": np.zeros_like(p), "acc_delta": np.zeros_like(p)}

    def internals(self, i=0):
        """The per-coordinate step size lr sqrt(u + eps) / sqrt(v + eps): about lr sqrt(eps) / |g| at first."""
        if not self.state:
            return {}
        state = self.state[i]
        return {"step_size": self.lr * np.sqrt(state["acc_delta"] + self.eps) / np.sqrt(state["square_avg"] + self.eps)}

    def _update(self, p, g, state):
        rho = self.rho
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1.0 - rho) * (g * g)
        delta = np.sqrt(u + self.eps) / np.sqrt(v + self.eps) * g
        u *= rho
        u += (1.0 - rho) * (delta * delta)
        p -= self.lr * delta


def _betas(betas: Any) -> tuple[float, float]:
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise SettingError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
    return _rate("betas[0]", b1), _rate("betas[1]", b2)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015, Algorithm 1): bias-corrected first and second moments.

    m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    theta -= lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
    ``amsgrad`` (Reddi et al. 2018) uses the running max of v, bias-corrected as PyTorch does.
    ``decoupled_weight_decay`` is AdamW (Loshchilov & Hutter 2019): theta *= 1 - lr lambda first.
    ``eps_inside_sqrt``: sqrt(v_hat + eps), the CMU 11-785 slides' form.
    """

    name = "adam"
    title = "Adam"
    knobs = ("beta1", "beta2")

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        decoupled_weight_decay: bool = False,
        eps_inside_sqrt: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.betas = _betas(betas)
        self.eps = _positive("eps", eps)
        self.amsgrad = bool(amsgrad)
        self.decoupled_weight_decay = bool(decoupled_weight_decay)
        self.eps_inside_sqrt = bool(eps_inside_sqrt)

    def _decay(self, p, g):
        if not self.decoupled_weight_decay:
            return super()._decay(p, g)
        p *= 1.0 - self.lr * self.weight_decay  # AdamW: shrink theta, leave g alone
        return g

    def _init_state(self, p):
        state = {"exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}
        if self.amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(p)
        return state

    def _update(self, p, g, state):
        b1, b2 = self.betas
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1.0 - b1) * (g - m)
        v *= b2
        v += (1.0 - b2) * (g * g)
        if self.amsgrad:
            vmax = state["max_exp_avg_sq"]
            np.maximum(vmax, v, out=vmax)
            v = vmax
        step_size = self.lr / (1.0 - b1**self.t)
        p -= step_size * (m / self._denominator(v))

    def _denominator(self, v: np.ndarray) -> np.ndarray:
        bc2_sqrt = math.sqrt(1.0 - self.betas[1] ** self.t)
        if self.eps_inside_sqrt:
            return np.sqrt(v / (bc2_sqrt * bc2_sqrt) + self.eps)
        return np.sqrt(v) / bc2_sqrt + self.eps

    def internals(self, i=0):
        """Velocity -lr m_hat / denominator (the bias-corrected first moment, as a step), the per-coordinate step
        size lr / (sqrt(v_hat) + eps), and the bias corrections 1/(1 - beta1^t), 1/(1 - beta2^t)."""
        if not self.state or self.t == 0:
            return {}
        b1, b2 = self.betas
        state = self.state[i]
        v = state["max_exp_avg_sq"] if self.amsgrad else state["exp_avg_sq"]
        denom = self._denominator(v)
        correction = (1.0 / (1.0 - b1**self.t), 1.0 / (1.0 - b2**self.t))
        return {"velocity": -self.lr * correction[0] * state["exp_avg"] / denom, "step_size": self.lr / denom,
                "bias_correction": correction}  # fmt: skip


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019); PyTorch's default lambda = 0.01.

    PyTorch (and so nnlab) multiplies lambda by the current lr; the paper's lambda is ours times lr.
    """

    name = "adamw"
    title = "AdamW"
    knobs = ("beta1", "beta2")

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True)


class Adamax(Optimizer):
    """AdaMax (Kingma & Ba 2015, sec. 7.1): u = max(b2 u, |g| + eps); theta -= lr/(1 - b1^t) m / u.

    The eps inside the max is PyTorch's (the paper has none).
    """

    name = "adamax"
    title = "Adamax"
    knobs = ("beta1", "beta2")

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.betas = _betas(betas)
        self.eps = _positive("eps", eps)

    def _init_state(self, p):
        return {"exp_avg": np.zeros_like(p), "exp_inf": np.zeros_like(p)}

    def _update(self, p, g, state):
        b1, b2 = self.betas
        m, u = state["exp_avg"], state["exp_inf"]
        m += (1.0 - b1) * (g - m)
        np.maximum(b2 * u, np.abs(g) + self.eps, out=u)
        p -= (self.lr / (1.0 - b1**self.t)) * (m / u)


class NAdam(Optimizer):
    """NAdam (Dozat 2016): Adam with Nesterov momentum and the momentum schedule mu_t = b1 (1 - 0.5 0.96^(t psi)).

    theta -= lr (1 - mu_t)/(1 - prod mu) g/d + lr mu_{t+1}/(1 - prod mu mu_{t+1}) m/d,
    d = sqrt(v / (1 - b2^t)) + eps; as ``torch.optim.NAdam``.
    """

    name = "nadam"
    title = "NAdam"
    knobs = ("beta1", "beta2")

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.betas = _betas(betas)
        self.eps = _positive("eps", eps)
        self.momentum_decay = _nonnegative("momentum_decay", momentum_decay)

    def _init_state(self, p):
        return {"exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p), "mu_product": 1.0}

    def _update(self, p, g, state):
        b1, b2 = self.betas
        t, psi = self.t, self.momentum_decay
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product = state["mu_product"] = state["mu_product"] * mu
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1.0 - b1) * (g - m)
        v *= b2
        v += (1.0 - b2) * (g * g)
        denom = np.sqrt(v / (1.0 - b2**t)) + self.eps
        p -= (self.lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        p -= (self.lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denom)


class Momentum(SGD):
    """SGD with (Polyak) momentum 0.9, as the lectures name it: ``SGD(momentum=0.9)``."""

    name = "momentum"
    title = "Momentum"
    knobs = ("momentum",)

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1e-2,
        momentum: float = 0.9,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay)


class Nesterov(SGD):
    """Nesterov accelerated gradient with momentum 0.9: ``SGD(momentum=0.9, nesterov=True)``."""

    name = "nesterov"
    title = "NAG"
    knobs = ("momentum",)

    def __init__(
        self,
        params: list[np.ndarray] | np.ndarray,
        lr: float = 1e-2,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
        form: str = "torch",
    ) -> None:
        super().__init__(params, lr, momentum=momentum, nesterov=True, weight_decay=weight_decay, form=form)


# Every optimizer by name, in the lectures' order (which also gives each its colour in the panels).
# A new optimizer is one class registered here (or with ``OPTIMIZERS.register(name, cls)`` at run time).
OPTIMIZERS: Registry[type[Optimizer]] = Registry(
    "optimizer",
    positional=("params",),
    entries={
        cls.name: cls for cls in (SGD, Momentum, Nesterov, Adagrad, Adadelta, RMSprop, Adam, AdamW, Adamax, NAdam)
    },
)


def make_optimizer(name: str, params: list[np.ndarray] | np.ndarray, **hyperparameters: Any) -> Optimizer:
    """Build the optimizer called ``name`` (one of ``OPTIMIZERS``) on ``params``."""
    return OPTIMIZERS.build(name, params, **hyperparameters)


@dataclass(frozen=True)
class Knob:
    """A hyperparameter a panel offers as a control: its default and range (``log`` for a log slider)."""

    default: float
    low: float
    high: float
    log: bool = False


# Ranges of the hyperparameters panels expose, by the name an optimizer class lists in ``knobs``.
# ``beta1`` and ``beta2`` are the two entries of ``betas``.
KNOB_RANGES: dict[str, tuple[float, float, bool]] = {
    "lr": (1e-5, 10.0, True),
    "momentum": (0.0, 0.99, False),
    "alpha": (0.5, 0.999, False),
    "rho": (0.5, 0.999, False),
    "beta1": (0.0, 0.999, False),
    "beta2": (0.5, 0.9999, False),
}


def optimizer_knobs(name: str) -> dict[str, Knob]:
    """The learning rate and the ``knobs`` of the optimizer called ``name``, with defaults from its signature.

    A class states which hyperparameters a panel should offer in ``knobs``; each knob's range
    comes from ``KNOB_RANGES`` unless the class gives it in ``knob_ranges``.
    """
    cls = OPTIMIZERS[check_choice("optimizer", name, OPTIMIZERS)]
    signature = inspect.signature(cls).parameters
    ranges = {**KNOB_RANGES, **cls.knob_ranges}
    knobs = {}
    for knob in ("lr", *cls.knobs):
        if knob in ("beta1", "beta2"):
            default = signature["betas"].default[0 if knob == "beta1" else 1]
        else:
            default = signature[knob].default
        if knob not in ranges:
            raise SettingError(f"optimizer {name!r} lists knob {knob!r} without a range; give it in knob_ranges")
        low, high, log = ranges[knob]
        knobs[knob] = Knob(float(default), low, high, log)
    return knobs


def knob_hyperparameters(values: dict[str, float]) -> dict[str, Any]:
    """Knob values as constructor arguments: ``beta1`` and ``beta2`` become ``betas``."""
    hyper = {k: v for k, v in values.items() if k not in ("beta1", "beta2")}
    if "beta1" in values or "beta2" in values:
        hyper["betas"] = (values.get("beta1", 0.9), values.get("beta2", 0.999))
    return hyper


def clip_grad_value(grads: list[np.ndarray], clip_value: float = 5.0) -> None:
    """Clamp every gradient entry to [-clip_value, clip_value] in place (CMU 11-785 slide: threshold 5)."""
    c = _positive("clip_value", clip_value)
    for g in grads:
        np.clip(g, -c, c, out=g)


def clip_grad_norm(grads: list[np.ndarray], max_norm: float, norm_type: float = 2.0) -> float:
    """Rescale all gradients together so that their global norm is at most ``max_norm``; in place.

    The global norm treats the arrays as one vector (``norm_type`` 2, 1 or ``inf``);
    the scale is min(1, max_norm / (norm + 1e-6)) as in ``torch.nn.utils.clip_grad_norm_``
    (Pascanu et al. 2013). Returns the norm before clipping.
    """
    max_norm = _positive("max_norm", max_norm)
    norm_type = float(norm_type)
    if norm_type != math.inf:
        norm_type = _positive("norm_type", norm_type)
    arrays = [check_array(f"grads[{i}]", g, finite=False) for i, g in enumerate(grads)]
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(g))) for g in arrays)
    else:
        total = float(sum(np.sum(np.abs(g) ** norm_type) for g in arrays) ** (1.0 / norm_type))
    scale = min(1.0, max_norm / (total + 1e-6))
    if scale < 1.0:
        for g in grads:
            g *= scale
    return total
