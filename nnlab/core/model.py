"""A multilayer network built from a plain specification (CS231n assignment 2's ``FullyConnectedNet``).

Architecture: [dropout on the input] - {linear - [batch norm] - activation - [dropout]} x (L - 1)
- linear, with batch norm before the non-linearity as in the lectures (Ioffe & Szegedy 2015).

``forward(X, train, trace=True)`` records, for every hidden layer, its pre-activations,
activations and dropout mask; ``backward(dscores)`` then adds the gradients with respect
to those activations and to the weights. The initialization study (``nnlab.topics.initialization.study``) records
the same :class:`LayerTrace` for its wide random networks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_array, check_choice, check_int, check_number
from nnlab.core.activations import ACTIVATIONS
from nnlab.core.layers import ActivationLayer, BatchNorm, Dropout, Layer, Linear, PReLU
from nnlab.core.losses import softmax
from nnlab.core.regularizers import Regularizer


@dataclass
class NetworkSpec:
    """Everything that defines a network, as plain data (JSON-serialisable with ``asdict``).

    ``sizes`` = [input, hidden..., classes]. ``batchnorm`` and ``keep_prob`` may be one value for
    every hidden layer or a list with one entry per hidden layer; ``input_keep_prob`` drops inputs.
    """

    sizes: list[int]
    activation: str = "relu"
    activation_params: dict[str, Any] = field(default_factory=dict)
    init: str = "he_normal"
    init_params: dict[str, Any] = field(default_factory=dict)
    bias: float = 0.0
    batchnorm: bool | list[bool] = False
    keep_prob: float | list[float] = 1.0
    input_keep_prob: float = 1.0
    dropout_mode: str = "inverted"
    # Dropout layers also where keep_prob is 1 (numerically the identity), so that keep_prob can change while the
    # network trains (nnlab.topics.training.study).
    dropout_always: bool = False
    # Where batch norm goes in a hidden layer: "before" the non-linearity (Ioffe & Szegedy; the lectures) or
    # "after" it (a common alternative; CMU 11-785 and the CS231n notes mention both).
    batchnorm_position: str = "before"
    seed: int = 0
    dtype: str = "float64"

    def per_hidden(self, name: str) -> list[Any]:
        """``batchnorm`` or ``keep_prob`` expanded to one entry per hidden layer."""
        value = getattr(self, name)
        n = len(self.sizes) - 2
        if isinstance(value, (list, tuple)):
            if len(value) != n:
                raise SettingError(f"{name} has {len(value)} entries but the network has {n} hidden layers")
            return list(value)
        return [value] * n

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LayerTrace:
    """What one hidden layer did on the latest traced pass (arrays of shape (N, units)).

    ``pre_activation`` is the linear output; ``normalized`` the batch-norm output when the layer
    has one; ``activation`` the non-linearity's output; ``mask`` the dropout keep-mask. After
    ``backward``: ``grad_activation`` = dL/d(activation) and ``grad_W`` = dL/dW of the layer's weights.
    """

    pre_activation: np.ndarray
    activation: np.ndarray
    normalized: np.ndarray | None = None
    mask: np.ndarray | None = None
    grad_activation: np.ndarray | None = None
    grad_W: np.ndarray | None = None

    @property
    def mean(self) -> float:
        return float(self.activation.mean())

    @property
    def std(self) -> float:
        return float(self.activation.std())

    @property
    def identical_units(self) -> bool:
        """True when every unit outputs the same value for each example (the symmetry was never broken)."""
        a = self.activation
        return bool(a.shape[1] > 1 and np.all(a == a[:, :1]))


class Network:
    """The network of a :class:`NetworkSpec`; ``params`` lists (layer index, name, array)."""

    def __init__(self, spec: NetworkSpec) -> None:
        if not isinstance(spec, NetworkSpec):
            raise SettingError(f"spec must be a NetworkSpec, got {type(spec).__name__}")
        self.spec = spec
        sizes = [check_int(f"sizes[{i}]", s, low=1) for i, s in enumerate(spec.sizes)]
        if len(sizes) < 2:
            raise SettingError(f"sizes={spec.sizes} needs at least an input size and a number of classes")
        if spec.activation not in ACTIVATIONS:
            raise SettingError(f"activation={spec.activation!r} is not valid; choose one of: {', '.join(ACTIVATIONS)}")
        if spec.dtype not in ("float32", "float64"):
            raise SettingError(f"dtype={spec.dtype!r} is not valid; choose float32 or float64")
        self.dtype = np.dtype(spec.dtype)
        rng = as_generator(spec.seed, "seed")
        batchnorm = spec.per_hidden("batchnorm")
        keep = [check_number("keep_prob", p, low=0.0, high=1.0, low_open=True) for p in spec.per_hidden("keep_prob")]
        input_keep = check_number("input_keep_prob", spec.input_keep_prob, low=0.0, high=1.0, low_open=True)

        self.layers: list[Layer] = []
        # For every hidden layer, the index in self.layers of its parts: linear, bn, act, dropout.
        self.hidden: list[dict[str, int]] = []

        def add(layer: Layer) -> int:
            self.layers.append(layer)
            return len(self.layers) - 1

        if input_keep < 1.0:
            add(Dropout(input_keep, spec.dropout_mode, rng))
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            parts = {"linear": add(Linear(n_in, n_out, init=spec.init, init_params=spec.init_params, rng=rng,
                                          dtype=self.dtype, bias=spec.bias))}  # fmt: skip
            if i == len(sizes) - 2:
                break  # the output layer: scores, no non-linearity
            after = check_choice("batchnorm_position", spec.batchnorm_position, ["before", "after"]) == "after"
            if batchnorm[i] and not after:
                parts["bn"] = add(BatchNorm(n_out, dtype=self.dtype))
            parts["act"] = add(self._activation_layer(spec))
            if batchnorm[i] and after:
                parts["bn"] = add(BatchNorm(n_out, dtype=self.dtype))
            if keep[i] < 1.0 or spec.dropout_always:
                parts["dropout"] = add(Dropout(keep[i], spec.dropout_mode, rng))
            self.hidden.append(parts)
        self.trace: list[LayerTrace] = []
        self._caches: list[Any] = []

    def _activation_layer(self, spec: NetworkSpec) -> Layer:
        """The non-linearity of a hidden layer: PReLU learns its slope (one per layer, starting at ``slope``, as
        ``torch.nn.PReLU()`` with its default ``num_parameters=1, init=0.25``; He et al. 2015); the others are
        fixed functions."""
        if spec.activation == "prelu":
            unknown = sorted(set(spec.activation_params) - {"slope"})
            if unknown:
                raise SettingError(f"activation_params for prelu take only 'slope' (its start), got {unknown}")
            return PReLU(1, init=spec.activation_params.get("slope", 0.25), dtype=self.dtype)
        return ActivationLayer(spec.activation, **spec.activation_params)

    @property
    def params(self) -> list[tuple[int, str, np.ndarray]]:
        """Every learnable array as (layer index, name within the layer, array)."""
        return [(i, name, value) for i, layer in enumerate(self.layers) for name, value in layer.params.items()]

    @property
    def arrays(self) -> list[np.ndarray]:
        """The learnable arrays alone, in :attr:`params` order (what an optimizer takes)."""
        return [value for _, _, value in self.params]

    def forward(self, X: Any, train: bool = True, trace: bool = False) -> np.ndarray:
        """Class scores for ``X`` (N, D); keeps the caches for :meth:`backward`."""
        X = check_array("X", X, ndim=2)
        if X.shape[1] != self.spec.sizes[0]:
            raise SettingError(f"X has {X.shape[1]} features but the network expects {self.spec.sizes[0]}")
        out = X.astype(self.dtype, copy=False)
        self._caches, outputs = [], []
        for layer in self.layers:
            out, cache = layer.forward(out, train)
            self._caches.append(cache)
            outputs.append(out)
        self.trace = [self._trace_of(parts, outputs, train) for parts in self.hidden] if trace else []
        return out

    def _trace_of(self, parts: dict[str, int], outputs: list[np.ndarray], train: bool) -> LayerTrace:
        dropout = parts.get("dropout")
        return LayerTrace(
            pre_activation=outputs[parts["linear"]],
            activation=outputs[parts["act"]],
            normalized=outputs[parts["bn"]] if "bn" in parts else None,
            mask=self.layers[dropout].mask if dropout is not None and train else None,
        )

    def backward(self, dscores: np.ndarray) -> list[np.ndarray]:
        """Gradients of every array in :attr:`params`, in the same order, from dL/dscores."""
        if len(self._caches) != len(self.layers):
            raise RuntimeError("backward() needs a forward() first")
        grads: dict[tuple[int, str], np.ndarray] = {}
        incoming: list[np.ndarray | None] = [None] * len(self.layers)  # dL/d(output of layer i)
        d = dscores
        for i in range(len(self.layers) - 1, -1, -1):
            incoming[i] = d
            d, layer_grads = self.layers[i].backward(d, self._caches[i])
            for name, g in layer_grads.items():
                grads[(i, name)] = g
        for record, parts in zip(self.trace, self.hidden):
            record.grad_activation = incoming[parts["act"]]
            record.grad_W = grads[(parts["linear"], "W")]
        return [grads[(i, name)] for i, name, _ in self.params]

    def regularization(self, regularizer: Regularizer | None) -> tuple[float, list[np.ndarray | None]]:
        """The penalty over the regularized arrays and its gradient per array (None where not regularized)."""
        if regularizer is None:
            return 0.0, [None] * len(self.params)
        total, grads = 0.0, []
        for _, name, value in self.params:
            if regularizer.applies_to(name):
                total += regularizer.penalty(value)
                grads.append(regularizer.gradient(value))
            else:
                grads.append(None)
        return total, grads

    def project(self, regularizer: Regularizer | None) -> None:
        """Apply a constraint such as max-norm to the regularized arrays, in place."""
        if regularizer is None:
            return
        for _, name, value in self.params:
            if regularizer.applies_to(name):
                regularizer.project(value)

    def forward_with_masks(self, X: Any, masks: list[np.ndarray]) -> np.ndarray:
        """Training-mode scores with each Dropout layer's keep-mask given (one per Dropout layer, in order)
        instead of drawn: the sub-network those masks select. Batch norm, if any, uses batch statistics."""
        X = check_array("X", X, ndim=2)
        dropouts = [layer for layer in self.layers if isinstance(layer, Dropout)]
        if len(masks) != len(dropouts):
            raise SettingError(f"masks has {len(masks)} entries; the network has {len(dropouts)} dropout layers")
        out, given = X.astype(self.dtype, copy=False), iter(masks)
        for layer in self.layers:
            out = layer.apply(out, next(given)) if isinstance(layer, Dropout) else layer.forward(out, True)[0]
        return out


def exact_dropout_ensemble(network: Network, x: Any, output: str = "probabilities") -> tuple[np.ndarray, int]:
    """The dropout ensemble's prediction for the examples ``x``: every sub-network's softmax output weighted by
    its probability (Srivastava et al. 2014, sec. 7.5), and the number N of droppable units (2^N sub-networks).
    ``output="scores"`` averages the scores instead (E[scores], which one weight-scaled pass equals exactly only
    when the network is linear: E[f(h)] = f(E[h]) for linear f alone).

    All 2^N keep-masks (N <= 20) run as one batch through :meth:`Network.forward_with_masks`.
    """
    x = check_array("x", x, ndim=2)
    check_choice("output", output, ["probabilities", "scores"])
    sizes, h = [], x
    for layer in network.layers:  # the width reaching each Dropout layer
        if isinstance(layer, Dropout):
            sizes.append((h.shape[1], layer.keep_prob))
        h, _ = layer.forward(h, train=False)
    n = sum(size for size, _ in sizes)
    if n > 20:
        raise SettingError(f"{n} droppable units make 2^{n} sub-networks; averaging exactly is limited to 20 units")
    bits = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)  # every mask, one per row
    weight, masks, column = np.ones(len(bits)), [], 0
    for size, p in sizes:
        mask = bits[:, column : column + size]
        weight *= p ** mask.sum(axis=1) * (1 - p) ** (size - mask.sum(axis=1))
        masks.append(np.repeat(mask, len(x), axis=0))
        column += size
    scores = network.forward_with_masks(np.tile(x, (len(bits), 1)), masks)
    values = (softmax(scores) if output == "probabilities" else scores).reshape(len(bits), len(x), -1)
    return np.einsum("m,mnc->nc", weight, values), n


def dropout_mask_table(w: Any, x: Any, keep_prob: float) -> tuple[list[tuple[tuple[int, ...], float, float]], float]:
    """Every keep-mask m of one linear unit a = sum_i w_i m_i x_i (vanilla dropout, no scaling), its probability
    and output, and the exact expectation E[a] = p sum_i w_i x_i (EECS 498 lecture 10's a = w1 x + w2 y, where
    with p = 1/2 the four masks average to 1/2 (w1 x + w2 y)). At most 6 inputs (64 masks)."""
    w = check_array("w", w, ndim=1)
    x = check_array("x", x, ndim=1)
    if w.shape != x.shape or w.size > 6:
        raise SettingError(f"w and x must have the same length, at most 6; got {w.size} and {x.size}")
    p = check_number("keep_prob", keep_prob, low=0.0, high=1.0)
    rows = []
    for bits in range(2**w.size):
        mask = tuple((bits >> i) & 1 for i in range(w.size))
        kept = sum(mask)
        rows.append((mask, p**kept * (1 - p) ** (w.size - kept), float(np.dot(w * np.array(mask), x))))
    rows.sort(key=lambda row: -sum(row[0]))
    return rows, float(sum(prob * a for _, prob, a in rows))
