"""bench_classroom's command line, importable without the shared load tool (its tests use it)."""

from __future__ import annotations

import argparse
import os

DESCRIPTION = "A class on `make serve`: N simulated students on the Playground, each with its live stream."


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--ramp", type=float, default=10)
    parser.add_argument("--after", type=float, default=180, help="seconds to watch RSS after all left")
    parser.add_argument("--waves", type=int, default=1, help="classes one after the other (RSS after each)")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 500 or args.seconds <= 0 or args.workers < 1 or args.waves < 1:
        parser.error("need 1-500 sessions, seconds > 0, workers >= 1, waves >= 1")
    return args
