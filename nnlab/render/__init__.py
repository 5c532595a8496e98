"""Everything that touches matplotlib's or ipympl's internals, in one place: the figure's size and looks, the draw
lock, frames and their transport to the browser, and the fast paths (each behind :mod:`nnlab.render.gate`).

Nothing outside this package imports ``matplotlib.ft2font``, the Agg backend's internals or ``ipympl``
(``tests/test_imports.py``).
"""
