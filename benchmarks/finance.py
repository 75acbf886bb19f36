"""Every finance-core benchmark in one run: ``python -m benchmarks.finance`` (``make benchmark``).

Each section times the vectorized library beside a plain-Python reference from the same run,
so the speed-up is a ratio measured on this machine.
"""

from __future__ import annotations

import importlib
import platform
import time

SECTIONS = ("finance_cashflows", "finance_waterfall", "finance_portfolio")


def main() -> None:
    print(f"Python {platform.python_version()} on {platform.machine()} ({platform.system()})")
    for name in SECTIONS:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n== {name} ==")
        start = time.perf_counter()
        module.main()
        print(f"(section took {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
