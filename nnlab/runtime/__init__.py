"""How nnlab uses the machine: BLAS threads (``threads``: the cores other processes leave free) and glibc's malloc
thresholds (``malloc``)."""
