"""Benchmark: hand-written backprop (core.manual.ManualMLP) vs torch.autograd, seconds per training step.

One step is a full-batch forward, backward and gradient-descent update on random 2-D points
(1 torch thread unless --threads; timed by the CPU time of the timing thread when torch uses one thread,
else by the wall clock, see --clock). Measured as the page does (core.manual_checks.step_time_samples):
untimed warm-up steps of every network and implementation first, then --repeats rounds that each time
--steps steps of every network with both implementations in turn. Prints, per network size, the median
time per step of each with the middle half of its samples (lower–upper quartile), their ratio
manual/autograd (median over rounds, below 1: the hand-written version is faster) and, to show why the
warm-up is there, the slowest warm-up step. No targets: this shows what autograd's bookkeeping costs on
the chapter's tiny networks, and that it stops mattering as the matrices grow.

    python -m bench.bench_manual [--rows 640] [--repeats 15] [--steps 4] [--warmup 3] [--clock wall]
                                 [--sizes "5;5,3;32,32"]
"""

from __future__ import annotations

import argparse

import torch

from core import manual_checks
from core.manual_checks import step_time_ratios, step_time_samples, summarize_step_times

DEFAULT_SIZES = "5;5,3;3,3,3,3;16,16;32,32;64,64;64,64,64,64;64,64,64,64,64,64,64,64;256,256"


def parse_sizes(text: str) -> list[tuple[int, ...]]:
    """'5;5,3' -> [(5,), (5, 3)]."""
    return [tuple(int(w) for w in part.split(",")) for part in text.split(";") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=640, help="training rows (book: 640)")
    parser.add_argument("--repeats", type=int, default=manual_checks.TIMING_REPEATS, help="timed rounds")
    parser.add_argument("--steps", type=int, default=manual_checks.TIMING_STEPS, help="steps per sample")
    parser.add_argument("--warmup", type=int, default=manual_checks.TIMING_WARMUP, help="untimed steps per size first")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="hidden layer widths, ';' between networks")
    parser.add_argument("--activation", default="sigmoid")
    parser.add_argument("--float64", action="store_true", help="time in float64 instead of float32")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=sorted(manual_checks.CLOCKS), default=None,
                        help="thread: CPU time of the timing thread (default with 1 thread); wall: wall clock")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.float64 else torch.float32
    samples = step_time_samples(parse_sizes(args.sizes), n_rows=args.rows, repeats=args.repeats, steps=args.steps,
                                warmup=args.warmup, activation=args.activation, dtype=dtype,
                                clock=args.clock)
    summary = summarize_step_times(samples).set_index(["hidden", "implementation"])
    warm = samples[samples["phase"] == "warmup"].groupby("hidden", sort=False)["seconds_per_step"].max()
    print(f"{args.rows} rows, {args.activation}, {str(dtype).removeprefix('torch.')}, "
          f"{torch.get_num_threads()} thread(s), {samples['clock'].iloc[0]} clock; {args.warmup} warm-up steps, "
          f"then median [lower–upper quartile] of {args.repeats} rounds x {args.steps} steps")

    def cell(hidden: str, impl: str) -> str:
        row = summary.loc[(hidden, impl)]
        return f"{row.seconds_per_step * 1e6:.1f} [{row.q1 * 1e6:.1f}–{row.q3 * 1e6:.1f}]"

    print(f"{'hidden':<24}{'params':>8}{'manual µs':>28}{'autograd µs':>28}{'manual/autograd':>21}"
          f"{'slowest warm-up µs':>20}")
    for row in step_time_ratios(samples).itertuples(index=False):
        ratio = f"{row.ratio:.2f} [{row.ratio_q1:.2f}–{row.ratio_q3:.2f}]"
        slowest = f"{warm[row.hidden] * 1e6:.1f}" if row.hidden in warm.index else "-"
        print(f"{row.hidden:<24}{row.params:>8}{cell(row.hidden, 'manual'):>28}{cell(row.hidden, 'autograd'):>28}"
              f"{ratio:>21}{slowest:>20}")


if __name__ == "__main__":
    main()
