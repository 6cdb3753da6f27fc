"""Sum py-spy collapsed stacks (``py-spy record --format raw``) into where the time goes.

    .venv/bin/python benchmarks/profile_summary.py PROFILE.txt [--top 25] [--match listener/]

Prints, per function, the share of samples in which it is on the stack (inclusive) and on top of
the stack (self), heaviest first; ``--match`` keeps functions whose file path contains the text.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("profile")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--match", default="")
    args = ap.parse_args(argv)
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in Path(args.profile).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f for f in stack.split(";") if f]
        for frame in set(frames):
            inclusive[frame] += n
        if frames:
            own[frames[-1]] += n
    if not total:
        print("no samples")
        return 1
    print(f"{total:,} samples; inclusive % / self % / function (file:line)")
    shown = [f for f, _ in inclusive.most_common() if args.match in f][: args.top]
    for frame in shown:
        print(f"{100 * inclusive[frame] / total:6.1f} {100 * own[frame] / total:6.1f}  {frame[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
