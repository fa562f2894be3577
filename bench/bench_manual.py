"""Benchmark: hand-written backprop (core.manual.ManualMLP) vs torch.autograd, seconds per training step.

One step is a full-batch forward, backward and gradient-descent update on random 2-D points
(1 torch thread unless --threads). Prints, per network size, both times and their ratio
manual/autograd (below 1: the hand-written version is faster). No targets: this shows what
autograd's bookkeeping costs on the chapter's tiny networks, and that it stops mattering as
the matrices grow.

    python -m bench.bench_manual [--rows 640] [--repeats 200] [--blocks 5] [--sizes "5;5,3;32,32;64,64,64,64"]
"""

from __future__ import annotations

import argparse

import torch

from core.manual_checks import time_per_step

DEFAULT_SIZES = "5;5,3;3,3,3,3;16,16;32,32;64,64;64,64,64,64;64,64,64,64,64,64,64,64;256,256"


def parse_sizes(text: str) -> list[tuple[int, ...]]:
    """'5;5,3' -> [(5,), (5, 3)]."""
    return [tuple(int(w) for w in part.split(",")) for part in text.split(";") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=640, help="training rows (book: 640)")
    parser.add_argument("--repeats", type=int, default=200, help="steps per timed block")
    parser.add_argument("--blocks", type=int, default=5, help="timed blocks per size; the fastest counts")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="hidden layer widths, ';' between networks")
    parser.add_argument("--activation", default="sigmoid")
    parser.add_argument("--float64", action="store_true", help="time in float64 instead of float32")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.float64 else torch.float32
    frame = time_per_step(parse_sizes(args.sizes), n_rows=args.rows, repeats=args.repeats,
                          activation=args.activation, dtype=dtype, blocks=args.blocks)
    wide = frame.pivot_table(index=["hidden", "params"], columns="implementation", values="seconds_per_step",
                             sort=False).reset_index()
    print(f"{args.rows} rows, {args.activation}, {str(dtype).removeprefix('torch.')}, "
          f"{torch.get_num_threads()} thread(s), best of {args.blocks} x {args.repeats} steps")
    print(f"{'hidden':<26}{'params':>8}{'manual µs':>12}{'autograd µs':>13}{'manual/autograd':>17}")
    for row in wide.itertuples(index=False):
        manual, auto = row.manual, row.autograd
        print(f"{row.hidden:<26}{row.params:>8}{manual * 1e6:>12.1f}{auto * 1e6:>13.1f}{manual / auto:>17.2f}")


if __name__ == "__main__":
    main()
