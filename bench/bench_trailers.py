"""Reading trailers is linear: time git-compatible trailer parsing and identity reading on
messages of growing size, including the 100 KB Co-authored-by line that once took 69 s.

    .venv/bin/python bench/bench_trailers.py

Prints seconds per size; doubling the size should roughly double the time (parse), and
`read` stays flat above the 64 KB cap (the message becomes an input-too-large finding).
"""

from __future__ import annotations

import time

from tightrope.identity import trailer_block, trailers


def best(fn, arg, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    print(f"{'size':>10}  {'block (s)':>10}  {'read (s)':>10}  {'read, 100 KB line (s)':>22}")
    for kb in (128, 256, 512, 1024):
        n = kb * 1024 // 8
        block = "subject\n\n" + "".join(f"K{i % 97}: v\n" for i in range(n))  # all trailers: the worst block
        line = "subject\n\nCo-authored-by: Claude" + " " * (kb * 1024) + "x\n"
        print(f"{kb:>8}KB  {best(trailer_block.block, block):>10.3f}  {best(trailers.read, block):>10.3f}  "
              f"{best(trailers.read, line):>22.3f}")
    cap = "subject\n\nCo-authored-by: Claude" + " " * (trailers.MAX_MESSAGE - 64) + "x\n"
    print(f"largest message read in full ({len(cap):,} chars, one long line): {best(trailers.read, cap):.3f} s")


if __name__ == "__main__":
    main()
