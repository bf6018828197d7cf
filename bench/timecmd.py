#!/usr/bin/env python3
"""Wall-clock timing of a command, including process start-up.

Usage: timecmd.py [--runs N] [--stdin FILE] [--name NAME] -- CMD [ARGS...]

Runs CMD N times (default 5), feeding FILE on stdin, discarding stdout, and
prints one line:  NAME<TAB>best_ns<TAB>best_of=N,mean_ns=...,lines_out=...
lines_out is the number of output lines of the last run. Exits non-zero
(printing the command's stderr) if any run fails.
"""

import argparse
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--stdin", default=None)
    ap.add_argument("--name", default="cmd")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("missing command")

    data = b""
    if args.stdin:
        with open(args.stdin, "rb") as f:
            data = f.read()

    times = []
    lines_out = 0
    for _ in range(max(1, args.runs)):
        t0 = time.perf_counter_ns()
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        t = time.perf_counter_ns() - t0
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode(errors="replace")[-2000:])
            sys.stderr.write(f"timecmd: exit status {p.returncode}: {' '.join(cmd)}\n")
            sys.exit(1)
        times.append(t)
        lines_out = p.stdout.count(b"\n")
    mean = sum(times) / len(times)
    print(f"{args.name}\t{min(times)}\tbest_of={len(times)},mean_ns={mean:.0f},lines_out={lines_out}")


if __name__ == "__main__":
    main()
