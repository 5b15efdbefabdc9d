"""Load test of ``actorstance serve``: throughput and latency with 1, 4 and 8 concurrent clients.

Starts the server of a checkout (``--repo``, default this one) on 127.0.0.1 on a free port, sends
one article (default: the seed article) from N clients in a closed loop (each sends its next request
when its last one is answered) for ``--seconds`` per client count, probes ``/health`` every half
second meanwhile, then stops the server. Everything is bounded: a phase ends after ``--seconds``
(requests already sent are still waited for, at most ``--request-timeout``), and the whole run
stops after ``--deadline`` seconds whatever happens. Only 127.0.0.1 is ever contacted.

    python benchmarks/server_load.py RUN_DIR [--repo PATH] [--label NAME] [--clients 1,4,8]
        [--seconds 30] [--text FILE] [--serve-option=--max-waiting=16 ...] [--json PATH]

Per client count: requests answered 200, refused (503/504) and failed, throughput (200s per second
of the phase), p50/p95/max latency of the 200s, and p50/max latency of ``/health``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "seeds" / "000_5d92d8553a383cf3.txt"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)


def start_server(run_dir: Path, repo: Path, options: list[str], wait_s: float) -> tuple[subprocess.Popen, str]:
    """The server of ``repo`` serving ``run_dir`` on 127.0.0.1, once ``/health`` answers."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(repo), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [sys.executable, "-m", "actorstance", "serve", str(run_dir), "--host", HOST, "--port", str(port), "--log-level", "warning", *options]
    process = subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"server did not answer /health within {wait_s:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


async def _phase(base: str, text: str, clients: int, seconds: float, request_timeout: float) -> dict:
    """``clients`` closed-loop clients for ``seconds``; /health probed every 0.5 s meanwhile."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    health: list[float] = []
    started = time.monotonic()
    stop_at = started + seconds
    limits = httpx.Limits(max_connections=clients + 2)
    async with httpx.AsyncClient(base_url=base, timeout=request_timeout, limits=limits) as session:

        async def client() -> None:
            while time.monotonic() < stop_at:
                sent = time.monotonic()
                try:
                    status = str((await session.post("/predict", json={"text": text})).status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                statuses[status] = statuses.get(status, 0) + 1
                if status == "200":
                    latencies.append(time.monotonic() - sent)

        async def probe() -> None:
            while time.monotonic() < stop_at:
                sent = time.monotonic()
                try:
                    await session.get("/health", timeout=10)
                    health.append(time.monotonic() - sent)
                except httpx.HTTPError:
                    health.append(float("inf"))
                await asyncio.sleep(0.5)

        await asyncio.gather(probe(), *(client() for _ in range(clients)))
    elapsed = time.monotonic() - started
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "statuses": dict(sorted(statuses.items())),
        "throughput_per_s": round(len(latencies) / elapsed, 3),
        "latency_p50_s": _percentile(latencies, 0.50),
        "latency_p95_s": _percentile(latencies, 0.95),
        "latency_max_s": round(max(latencies), 3) if latencies else None,
        "health_p50_ms": round(1000 * statistics.median(health), 1) if health else None,
        "health_max_ms": round(1000 * max(health), 1) if health else None,
    }


def run(args: argparse.Namespace) -> dict:
    text = Path(args.text).read_text(encoding="utf-8")
    process, base = start_server(Path(args.run_dir), Path(args.repo), args.serve_option, wait_s=120)
    try:
        httpx.post(f"{base}/predict", json={"text": text}, timeout=args.request_timeout)  # warm-up, not counted
        phases = [
            asyncio.run(_phase(base, text, clients, args.seconds, args.request_timeout))
            for clients in (int(c) for c in args.clients.split(","))
        ]
    finally:
        stop_server(process)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.repo, capture_output=True, text=True).stdout.strip()
    return {
        "label": args.label,
        "commit": commit,
        "run_dir": str(args.run_dir),
        "text": {"file": Path(args.text).name, "characters": len(text)},
        "serve_options": args.serve_option,
        "cpu_count": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "phases": phases,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--repo", default=str(REPO), help="checkout whose server is measured (its actorstance package)")
    parser.add_argument("--label", default="after")
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each client-count phase")
    parser.add_argument("--request-timeout", type=float, default=120.0)
    parser.add_argument("--deadline", type=float, default=600.0, help="the whole run stops after this many seconds")
    parser.add_argument("--text", default=str(SEED_TEXT))
    parser.add_argument("--serve-option", action="append", default=[], help="extra option for actorstance serve (repeatable)")
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    if sys.platform.startswith("linux"):
        import signal

        signal.signal(signal.SIGALRM, lambda *_: sys.exit(f"stopped: over --deadline {args.deadline:.0f} s"))
        signal.alarm(int(args.deadline))
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
