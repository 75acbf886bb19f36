"""Types of the compiled XIRR core (``_xirr.pyx``)."""

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

NO_FLOWS: str
ALL_POSITIVE: str
ALL_NEGATIVE: str
ALL_ZERO: str
TOO_LARGE: str
TOO_CLOSE: str

def no_root(changes: int) -> str: ...
def exact_sum(amounts: Sequence[object]) -> float: ...
def solve(flows: object, amounts: object, guess: float) -> float | str | None: ...
def solve_days(
    days: NDArray[np.int64], amounts: NDArray[np.float64], guess: float
) -> float | str: ...
def solve_many(
    series: Sequence[object], guess: float
) -> tuple[NDArray[np.float64], list[str | None], list[int]]: ...
