"""Study results stored as data, so that an image baseline is a drawing test: the picture of a preset drawn from the
result computed once, not from a training run whose last bits follow the machine's BLAS kernels.

A result (dataclasses, dicts, lists, tuples, arrays, numbers, strings and the core's plain objects such as an
optimizer) is written as one ``.npz``: the arrays by name and the structure as JSON beside them, classes named by
module and qualified name. Nothing is unpickled. After a change of a study (or of a class's name or module),
regenerate them:

    python tests/app/make_stored_results.py

The training outcomes themselves are asserted as numbers, with tolerances, in each topic's tests.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

STORED = Path(__file__).parent / "results"


def encode(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """A JSON-able tree for ``obj``; its arrays go into ``arrays``."""
    if isinstance(obj, np.ndarray):
        name = f"a{len(arrays)}"
        arrays[name] = obj
        return {"$array": name}
    if isinstance(obj, np.generic):
        return {"$scalar": obj.dtype.str, "value": encode(obj.item(), arrays)}
    if isinstance(obj, float) and not math.isfinite(obj):
        return {"$float": repr(obj)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return {"$" + type(obj).__name__: [encode(v, arrays) for v in obj]}
    if isinstance(obj, dict):
        return {"$dict": [[encode(k, arrays), encode(v, arrays)] for k, v in obj.items()]}
    kind = f"{type(obj).__module__}:{type(obj).__qualname__}"
    if dataclasses.is_dataclass(obj):
        fields = {f.name: encode(getattr(obj, f.name), arrays) for f in dataclasses.fields(obj)}
        return {"$dataclass": kind, "fields": fields}
    if hasattr(obj, "__dict__"):
        return {"$object": kind, "attributes": encode(dict(vars(obj)), arrays)}
    raise TypeError(f"obj: cannot store a {type(obj).__name__} ({kind})")


def _class(kind: str) -> type:
    module, qualname = kind.split(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def decode(tree: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The object that :func:`encode` wrote as ``tree``."""
    if not isinstance(tree, dict):
        return tree
    if "$array" in tree:
        return arrays[tree["$array"]]
    if "$scalar" in tree:
        return np.dtype(tree["$scalar"]).type(decode(tree["value"], arrays))
    if "$float" in tree:
        return float(tree["$float"])
    if "$list" in tree:
        return [decode(v, arrays) for v in tree["$list"]]
    if "$tuple" in tree:
        return tuple(decode(v, arrays) for v in tree["$tuple"])
    if "$dict" in tree:
        return {decode(k, arrays): decode(v, arrays) for k, v in tree["$dict"]}
    if "$dataclass" in tree:
        cls = _class(tree["$dataclass"])
        values = {name: decode(v, arrays) for name, v in tree["fields"].items()}
        init = {f.name: values.pop(f.name) for f in dataclasses.fields(cls) if f.init and f.name in values}
        out = cls(**init)
        for name, value in values.items():
            object.__setattr__(out, name, value)
        return out
    if "$object" in tree:
        out = object.__new__(_class(tree["$object"]))
        out.__dict__.update(decode(tree["attributes"], arrays))
        return out
    raise ValueError(f"tree: unknown node {sorted(tree)}")


def save(path: Path, result: Any) -> None:
    arrays: dict[str, np.ndarray] = {}
    tree = encode(result, arrays)
    np.savez_compressed(path, __tree__=np.array(json.dumps(tree)), **arrays)


def load(path: Path) -> Any:
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files if key != "__tree__"}
        return decode(json.loads(str(data["__tree__"])), arrays)
