#!/usr/bin/env python3
"""The Hummingbird example service (Examples/ChatService) under wrk, its AIYou client calling
nginx's canned answers, in paired rounds: each setup once per round, the order rotating, then
medians of requests/s, wrk's mean latency and the service's CPU per request (user + system
time of its process over the measured run, from /proc).

    Benchmarks/nginx/canned-server.sh start
    swift build -c release --package-path Examples --product ChatService
    Benchmarks/nginx/chat-service-rounds.py --connections 1 --rounds 6
    Benchmarks/nginx/chat-service-rounds.py --connections 64 --rounds 4
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

SETUPS = {
    "default": [],
    "handler on the client's event loop": ["--calls-on-event-loop"],
    "executor takeover": ["--executor-takeover"],
}
SCRIPT = 'wrk.method = "POST"\nwrk.body = "Bonjour, peux-tu m\'aider ?"\nwrk.headers["Content-Type"] = "text/plain"\n'


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, connections, seconds, script):
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script, url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 1, "ms": 1000, "s": 1_000_000}[latency.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"wrk saw {errors.group(1)} error answers")
    return rps, requests, float(latency.group(1)) * scale


def measure(binary, flags, port, connections, seconds, script):
    env = dict(os.environ, AIYOU_BASE_URL=os.environ.get("AIYOU_BASE_URL", "http://127.0.0.1:18201"), AIYOU_TOKEN="aiyou-mock-api-key")
    service = subprocess.Popen([binary, str(port)] + flags, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/ask"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(urllib.request.Request(url, data=b"Bonjour"), timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        if service.poll() is not None:
            sys.exit(f"the service exited ({service.returncode}): is port {port} taken?")
        wrk(url, connections, 1, script)  # warm-up: connections, caches
        before = cpu_seconds(service.pid)
        rps, requests, latency = wrk(url, connections, seconds, script)
        cpu = (cpu_seconds(service.pid) - before) / requests * 1e6
        return {"rps": rps, "latency_us": latency, "cpu_us": cpu}
    finally:
        service.terminate()
        service.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="Examples/.build/release/ChatService")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--port", type=int, default=18300)
    args = parser.parse_args()
    script = "/tmp/aiyou-chat-service-post.lua"
    with open(script, "w") as file:
        file.write(SCRIPT)
    labels = list(SETUPS)
    results = {label: [] for label in labels}
    for round_index in range(args.rounds):
        shift = round_index % len(labels)
        for label in labels[shift:] + labels[:shift]:
            results[label].append(measure(args.binary, SETUPS[label], args.port, args.connections, args.seconds, script))
        print(f"round {round_index + 1}/{args.rounds} done", file=sys.stderr)
    first = labels[0]
    print(f"| setup ({args.connections} connection(s)) | req/s (median) | mean latency µs | service CPU µs/request | req/s ÷ {first} (median of rounds) |")
    print("|---|---|---|---|---|")
    for label in labels:
        rows = results[label]
        ratio = statistics.median(a["rps"] / b["rps"] for a, b in zip(rows, results[first]))
        print(
            f"| {label} | {statistics.median(r['rps'] for r in rows):,.0f} | {statistics.median(r['latency_us'] for r in rows):,.0f} "
            f"| {statistics.median(r['cpu_us'] for r in rows):,.0f} | {ratio:.2f}× |"
        )


if __name__ == "__main__":
    main()
