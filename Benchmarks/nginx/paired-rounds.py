#!/usr/bin/env python3
"""Paired rounds of `aiyou --json bench` runs: every configuration once per round, the order
rotating from round to round, then the median of each figure and of each round's ratio to the
first configuration (the machine's drift between rounds cancels in the ratios).

    Benchmarks/nginx/paired-rounds.py --rounds 8 \
        'default=.build/release/aiyou --base-url http://127.0.0.1:18201 --json bench --duration 2 --executor default' \
        'takeover=.build/release/aiyou --base-url http://127.0.0.1:18201 --json bench --duration 2 --executor takeover'

Each configuration is `label=command` (split on spaces); the command prints one bench record.
"""
import argparse
import json
import shlex
import statistics
import subprocess
import sys

FIGURES = [("rps", "req/s"), ("events_per_s", "events/s"), ("cpu_us_per_call", "CPU µs/call"), ("p50_us", "p50 µs"), ("p99_us", "p99 µs")]


def run(command):
    out = subprocess.run(shlex.split(command), capture_output=True, text=True, check=True).stdout
    return json.loads(out)["sdk"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--json", help="also write every round's figures to this file")
    parser.add_argument("configs", nargs="+")
    args = parser.parse_args()
    configs = [c.split("=", 1) for c in args.configs]
    results = {label: [] for label, _ in configs}
    for round_index in range(args.rounds):
        shift = round_index % len(configs)
        for label, command in configs[shift:] + configs[:shift]:
            results[label].append(run(command))
        print(f"round {round_index + 1}/{args.rounds} done", file=sys.stderr)
    first = configs[0][0]
    figures = [(key, name) for key, name in FIGURES if key in results[first][0]]
    print("| configuration | " + " | ".join(f"{name} (median)" for _, name in figures) + f" | {figures[0][1]} ÷ {first} (median of rounds) | CPU ÷ {first} |")
    print("|---" * (len(figures) + 3) + "|")
    for label, _ in configs:
        medians = [statistics.median(r[key] for r in results[label]) for key, _ in figures]
        ratio = statistics.median(a[figures[0][0]] / b[figures[0][0]] for a, b in zip(results[label], results[first]))
        cpu = statistics.median(a["cpu_us_per_call"] / b["cpu_us_per_call"] for a, b in zip(results[label], results[first]))
        cells = " | ".join(f"{m:,.0f}" for m in medians)
        print(f"| {label} | {cells} | {ratio:.2f}× | {cpu:.2f}× |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    main()
