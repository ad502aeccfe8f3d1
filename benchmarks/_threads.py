"""Pin BLAS/OpenMP to one thread. Import this before NumPy (or PyTorch) in a benchmark."""

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[variable] = "1"
