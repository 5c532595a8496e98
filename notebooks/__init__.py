"""The lecture notebooks, shipped inside the package as ``nnlab.notebooks`` (``nnlab lab`` copies them)."""
