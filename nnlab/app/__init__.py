"""The panel framework: plain-data state (``Param``, ``Control``), ``Panel`` and ``View``, the bounded result cache,
the widgets and the player. No private API of another library: drawing goes through ``nnlab.render``."""
