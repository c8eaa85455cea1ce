"""A bounded load test on loopback: N clients for S seconds, with and without an ingest running.

    python benchmarks/load_test.py --docs 5000 [--clients 30] [--seconds 60] [--processes 2]

Builds an index of generated studies (the texts of bench_engines.py), serves it with
`acervo serve --processes P` on 127.0.0.1 (a free port), and runs `clients` threads that search
as analysts do (a query from bench_engines.QUERIES, sometimes a facet filter, a year range, a
second page or another sort; one request in 20 is a CSV export of the hits) until `seconds` have
passed, after `--warmup` seconds of the same load, not measured, that fill each server process's
caches as a server that has been running has them. Then the same again while a second process
ingests for the whole run: every `--ingest-every` seconds (15) a new generation, which the server
switches to, adds a quarter of N more documents (N = docs // 10; then removes them likewise),
`--ingest-nice` steps (10) below the server as its own ingest worker runs (acervo/jobs.py). It
stops by itself, prints errors, p50/p95 latency and searches per second for each run, and
writes benchmarks/results/load.json. The clients share the machine with the server: the figures are
for comparing runs made together, not absolute capacity. It also reads the server's own CPU
time (its processes in /proc): CPU milliseconds per answered request, and the share of the
machine's cores the server got during the run, which tells a slow server from a machine busy
with other work; and the same for the clients themselves (this process) and the ingest.
And how the client connections split between the server's processes (which process holds each
connection, read from /proc twice a second; the same with an older tree's server): each
process's mean, fewest and most connections, its requests, its searches' p50/p95 and its cores.

The clients are kept cheap, since they take their CPU from the server's cores: each keeps one
HTTP/1.1 connection open (as a browser does) and reads each answer's bytes without parsing
them. A connection the server closed while idle is opened again and the request sent again
(not counted as an error: nothing was sent on it).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

try:
    from acervo.jobs import INGEST_NICENESS
except ImportError:  # an older tree's Python ("before"): its server's ingest was not niced
    INGEST_NICENESS = 0
from acervo.search.indexer import IndexStore

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engines import QUERIES, _extracted, _percentile, generated_docs  # noqa: E402

AGENCIES = ["ACNUR", "OIM", "UNICEF", "PMA", "HIAS", "NRC"]
EXPORT_SHARE = 0.05
TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(rng: random.Random, export_share: float = EXPORT_SHARE) -> tuple[str, dict[str, str]]:
    args = {"q": rng.choice(QUERIES)}
    if rng.random() < 0.3:
        args["agency"] = rng.choice(AGENCIES)
    if rng.random() < 0.2:
        args["year_from"], args["year_to"] = "2019", "2022"
    if rng.random() < 0.2:
        args["page"] = "2"
    if rng.random() < 0.1:
        args["orden"] = rng.choice(["recientes", "titulo"])
    if rng.random() < export_share:
        return "/export.csv", args
    return "/api/search", args


class _Connection:
    """One client's keep-alive connection to the server."""

    def __init__(self, base: str) -> None:
        self.address = urllib.parse.urlsplit(base)
        self.conn: http.client.HTTPConnection | None = None

    def get(self, target: str) -> tuple[int, int]:
        """The answer's status (its body read and dropped; 0 when refused, reset or timed out)
        and the connection's local port, which tells the server process that answered."""
        port = 0
        for attempt in range(2):
            fresh = self.conn is None
            if fresh:
                host, port = self.address.hostname, self.address.port
                self.conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
            try:
                self.conn.request("GET", target)
                port = self.conn.sock.getsockname()[1]
                answer = self.conn.getresponse()
                answer.read()
                if answer.will_close:
                    self.close()
                return answer.status, port
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # closed by the server while idle: once more on a new one
                if fresh or attempt:
                    return 0, port
            except (OSError, http.client.HTTPException):
                self.close()
                return 0, port
        return 0, port

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _client(
    base: str, until: float, seed: int, out: list, lock: threading.Lock, export_share: float
) -> None:
    rng = random.Random(seed)
    connection = _Connection(base)
    while time.monotonic() < until:
        path, args = _request(rng, export_share)
        started = time.perf_counter()
        status, port = connection.get(f"{path}?{urllib.parse.urlencode(args)}")
        with lock:
            out.append((path, status, (time.perf_counter() - started) * 1000, port))
    connection.close()


def _ingest(index_dir: Path, docs: list, every_s: float, niceness: int, generations) -> None:  # noqa: ANN001
    """An ingest for the whole measured run: every `every_s` seconds a new generation that adds
    a quarter of `docs` (then, once all are in, removes a quarter), which the server switches
    to. `generations` (a shared counter) counts the switches. It runs `niceness` steps below
    the clients and the server, as the server's own ingest worker does (acervo/jobs.py)."""
    os.nice(niceness)
    store = IndexStore(index_dir)
    size = max(1, len(docs) // 4)
    batches = [docs[start : start + size] for start in range(0, len(docs), size)]
    started = time.monotonic()
    while True:
        for adding in (True, False):
            for batch in batches:
                if adding:
                    store.update((_extracted(d) for d in batch), ())
                else:
                    store.update((), [d.doc_id for d in batch])
                generations.value += 1
                time.sleep(max(0.0, started + generations.value * every_s - time.monotonic()))


def _process_cpu_s(root: int) -> dict[int, float]:
    """CPU seconds (user + system) used so far by process `root` and by each of its descendants
    (/proc), by pid: the server's own work, whatever else runs on the machine."""
    parents, cpu = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grown, tree = bool(more), tree | more
    return {pid: cpu[pid] for pid in tree if pid in cpu}


def _tree_cpu_s(root: int) -> float:
    return sum(_process_cpu_s(root).values())


def _connections_by_process(root: int, port: int) -> dict[int, int]:
    """The client side's port of each established connection to `port` -> the pid, among
    `root` and its descendants, that holds it (/proc/net/tcp and each process's open files):
    which server process serves which client connection."""
    remote_port = {}  # socket inode -> the client's port
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:  # 01: ESTABLISHED
            remote_port[f"socket:[{inode}]"] = int(remote.rsplit(":", 1)[1], 16)
    holder = {}
    for pid in _process_cpu_s(root):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue  # gone meanwhile, or a link closed while read
        for link in links:
            if link in remote_port:
                holder[remote_port[link]] = pid
    return holder


def _pss_mb(pid: int) -> float | None:
    """The process's proportional share of memory (pages shared with its forked siblings
    counted in part), MB; None if it is gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kb = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return round(kb / 1024)


class _ConnectionWatch:
    """Every SAMPLE_S while the clients run: which server process holds each client connection.
    Connections keep their process (gunicorn's workers each accept their own), so how they
    split between the processes decides how many requests each must answer with its threads."""

    SAMPLE_S = 0.5

    def __init__(self, server_pid: int, port: int) -> None:
        self.server_pid, self.port = server_pid, port
        self.holder: dict[int, int] = {}  # client port -> server pid (the latest seen)
        self.samples: list[dict[int, int]] = []  # server pid -> connections, per sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _ConnectionWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self.SAMPLE_S):
            holder = _connections_by_process(self.server_pid, self.port)
            self.holder.update(holder)
            counts: dict[int, int] = {}
            for pid in holder.values():
                counts[pid] = counts.get(pid, 0) + 1
            self.samples.append(counts)

    def split(self, out: list, cores: dict[int, float]) -> dict:
        """Per server process (most connections first): its mean connections over the samples
        and the fewest and most it held, its requests, its searches' p50 and p95, and the cores
        it used (`cores`: pid -> CPU seconds per second)."""
        pids = sorted({pid for sample in self.samples for pid in sample})
        mean = {p: sum(s.get(p, 0) for s in self.samples) / len(self.samples) for p in pids}
        rows = []
        for pid in sorted(pids, key=lambda p: -mean[p]):
            mine = [r for r in out if self.holder.get(r[3]) == pid]
            searches = [
                ms for path, status, ms, _ in mine if path == "/api/search" and status == 200
            ]
            held = [s.get(pid, 0) for s in self.samples]
            rows.append(
                {
                    "connections": round(mean[pid], 1),
                    "connections_min_max": [min(held), max(held)],
                    "requests": len(mine),
                    "p50_ms": round(statistics.median(searches), 1) if searches else None,
                    "p95_ms": round(_percentile(searches, 95), 1) if searches else None,
                    "cores": cores.get(pid),
                    "pss_mb": _pss_mb(pid),
                }
            )
        unknown = sum(1 for r in out if r[3] not in self.holder)
        return {"processes": rows, "requests_of_unseen_connections": unknown}


def run(
    base: str,
    clients: int,
    seconds: float,
    server_pid: int,
    ingest=None,
    export_share: float = EXPORT_SHARE,
) -> dict:
    out: list = []
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(base, until, n, out, lock, export_share))
        for n in range(clients)
    ]
    generations = multiprocessing.Value("i", 0)
    worker = multiprocessing.Process(target=ingest, args=(generations,)) if ingest else None
    if worker:
        worker.start()
    started, cpu_before = time.monotonic(), _process_cpu_s(server_pid)
    client_cpu = time.process_time()  # this process: the client threads (the ingest is another)
    with _ConnectionWatch(server_pid, urllib.parse.urlsplit(base).port) as watch:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    elapsed = time.monotonic() - started
    cpu_after = _process_cpu_s(server_pid)
    server_cpu = sum(cpu_after.values()) - sum(cpu_before.values())
    client_cpu = time.process_time() - client_cpu
    ingest_cpu = 0.0
    if worker:
        ingest_cpu = _tree_cpu_s(worker.pid)
        worker.terminate()
        worker.join()
    cores = elapsed * (os.cpu_count() or 1)
    searches = [ms for path, status, ms, _ in out if path == "/api/search" and status == 200]
    exports = [ms for path, status, ms, _ in out if path == "/export.csv" and status == 200]
    busy = sum(1 for _, status, _, _ in out if status == 503)
    errors = [(path, status) for path, status, _, _ in out if status not in (200, 503)]
    cpu = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
    return {
        "requests": len(out),
        "searches_ok": len(searches),
        "searches_per_s": round(len(searches) / elapsed, 1),
        "p50_ms": round(statistics.median(searches), 1) if searches else None,
        "p95_ms": round(_percentile(searches, 95), 1) if searches else None,
        "busy_503": busy,
        # the exports' own latency: what the searches' p95 is not about
        "exports_ok": len(exports),
        "export_p50_ms": round(statistics.median(exports), 1) if exports else None,
        "export_p95_ms": round(_percentile(exports, 95), 1) if exports else None,
        "errors": len(errors),
        "error_kinds": sorted({f"{p} {s}" for p, s in errors})[:5],
        # the server's CPU per answered request, and the share of the run's wall time x cores
        # it got: what the searches cost, apart from what other work on the machine took
        "server_cpu_ms_per_request": round(server_cpu / max(1, len(out)) * 1000, 1),
        "server_cpu_share": round(server_cpu / cores, 2),
        # what the load generator itself took of the same cores, and the ingest beside it
        "client_cpu_ms_per_request": round(client_cpu / max(1, len(out)) * 1000, 1),
        "client_cpu_share": round(client_cpu / cores, 2),
        "ingest_cpu_share": round(ingest_cpu / cores, 2),
        "generations": generations.value,
        # how the client connections split between the server's processes, and each one's
        # requests, latency and share of the cores
        "split": watch.split(out, {pid: round(s / elapsed, 2) for pid, s in cpu.items()}),
    }


def _print_server_errors(log: str) -> None:
    """How many tracebacks the server wrote, and the last lines of each kind."""
    kinds: dict[str, int] = {}
    for traceback in log.split("Traceback (most recent call last):")[1:]:
        # the exception's own line: the first one not indented like the frames
        lines = [line for line in traceback.splitlines() if line.strip()]
        last = next((line for line in lines if not line.startswith(" ")), "?")
        kinds[last] = kinds.get(last, 0) + 1
    for last, count in kinds.items():
        print(f"server traceback x{count}: {last[:300]}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, help="threads per server process (default: the server's own)"
    )
    parser.add_argument("--index", type=Path, help="reuse an index built by an earlier run")
    parser.add_argument(
        "--warmup", type=float, default=10, help="seconds of the same load first, not measured"
    )
    parser.add_argument(
        "--exports", type=float, default=EXPORT_SHARE, help="share of requests that export"
    )
    parser.add_argument(
        "--ingest-every", type=float, default=15, help="seconds between the ingest's generations"
    )
    parser.add_argument(
        "--ingest-nice",
        type=int,
        default=INGEST_NICENESS,
        help="nice steps of the ingest below the server (the server's ingest worker's)",
    )
    args = parser.parse_args()
    docs = generated_docs(args.docs + args.docs // 10)
    with tempfile.TemporaryDirectory(prefix="acervo-load-") as tmp:
        index_dir = args.index or Path(tmp) / "index"
        if not (index_dir / "CURRENT").exists():
            IndexStore(index_dir).update((_extracted(d) for d in docs[: args.docs]), ())
        port = _free_port()
        command = [sys.executable, "-m", "acervo", "--index", str(index_dir), "serve"]
        command += ["--port", str(port), "--processes", str(args.processes)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        log = Path(tmp) / "server.log"  # its errors' tracebacks, counted at the end
        with log.open("wb") as sink:
            server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"{base}/api/search?q=salud", timeout=5).read()
                    break
                except OSError:
                    if server.poll() is not None:
                        sys.exit(f"the server did not start:\n{log.read_text()[-2000:]}")
                    time.sleep(0.5)
            if args.warmup:  # every worker's caches (parsed queries, terms), as a running server's
                run(base, args.clients, args.warmup, server.pid, export_share=args.exports)
            quiet = run(base, args.clients, args.seconds, server.pid, export_share=args.exports)
            print({"during": "no ingest", **quiet}, file=sys.stderr)
            new_docs = docs[args.docs :]
            busy = run(
                base,
                args.clients,
                args.seconds,
                server.pid,
                ingest=lambda generations: _ingest(
                    index_dir, new_docs, args.ingest_every, args.ingest_nice, generations
                ),
                export_share=args.exports,
            )
            print({"during": "ingest", **busy}, file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=30)
            _print_server_errors(log.read_text(errors="replace"))
    rows = [
        {"docs": args.docs, "clients": args.clients, "processes": args.processes, **r}
        for r in ({"during": "no ingest", **quiet}, {"during": "ingest", **busy})
    ]
    print(
        "| during | searches/s | p50 ms | p95 ms | errors | 503 busy | requests "
        "| exports | export p50 ms | export p95 ms "
        "| server CPU ms / request | server share of the cores | client CPU ms / request "
        "| client share | ingest share | generations |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['during']} | {r['searches_per_s']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['errors']} | {r['busy_503']} | {r['requests']} "
            f"| {r['exports_ok']} | {r['export_p50_ms']} | {r['export_p95_ms']} "
            f"| {r['server_cpu_ms_per_request']} | {r['server_cpu_share']} "
            f"| {r['client_cpu_ms_per_request']} | {r['client_cpu_share']} "
            f"| {r['ingest_cpu_share']} | {r['generations']} |"
        )
    print(
        "\n| during | process | connections: mean (fewest-most) | requests "
        "| p50 ms | p95 ms | cores | memory (PSS) MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        for n, process in enumerate(r["split"]["processes"], 1):
            low, high = process["connections_min_max"]
            print(
                f"| {r['during']} | {n} | {process['connections']} ({low}-{high}) "
                f"| {process['requests']} | {process['p50_ms']} | {process['p95_ms']} "
                f"| {process['cores']} | {process['pss_mb']} |"
            )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
