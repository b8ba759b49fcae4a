#!/usr/bin/env python3
"""The seed notebook's own check loop (its last cell) on the first N of its 10^6 pairs, timed:
the additions per second its code runs at on this machine. Not a test: a figure for
docs/benchmarks.md. Usage: python3 tests/seed/seed_rate.py [N] (default 2000)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_notebook as seed  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
to_check = [(i, j) for i in range(1000) for j in range(1000)][:n]
passed = 0
start = time.perf_counter()
for i, j in to_check:  # the notebook's loop, without tqdm
    test = str(i).zfill(4) + '+' + str(j).zfill(4) + '='
    expected = test + str(i + j).zfill(4)[::-1]
    for _ in range(4):
        test = seed.generate(test)
    passed += test == expected
seconds = time.perf_counter() - start
print(f"{passed} of {n} right in {seconds:.2f} s: {n / seconds:.1f} additions/s "
      f"(torch {seed.torch.__version__}, {seed.torch.get_num_threads()} threads)")
