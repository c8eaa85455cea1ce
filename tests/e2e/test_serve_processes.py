"""`acervo serve --processes 2`: gunicorn's pre-fork workers, each opening the index itself.

Threads of one process share one core (the GIL); the workers are what lets a search use another
core. Each answers searches as the CLI does, and each switches to a new index generation when an
ingest finishes while it serves. The login rate limit counts a client's failed logins in all of
them together, and gunicorn's master forks its workers with no other thread running (the ingest
worker runs in a process of its own, at a lower priority than the processes that answer).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import CORPUS, acervo, serving

from acervo.jobs import INGEST_NICENESS

CLIENTS = 8
REQUESTS = 24
NEW_WORD = "zumbrilla"  # in no document of the sample corpus
CSRF = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')
LOGIN_LIMIT = 5  # failed logins per minute and client address: the default LOGIN_RATE_LIMIT


def _serving_processes(port: int) -> int:
    """Processes whose command line is `acervo ... serve --port PORT` (gunicorn's master and its
    forked workers share it)."""
    count = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        if b"serve" in args and str(port).encode() in args:
            count += 1
    return count


def _totals(base: str, query: str) -> list[int]:
    def total(_: int) -> int:
        with urllib.request.urlopen(f"{base}/api/search?q={query}", timeout=30) as answer:
            return json.loads(answer.read())["total"]

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(total, range(REQUESTS)))


def test_two_processes_answer_alike_and_follow_a_new_generation(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    assert acervo("--index", index, "ingest", "--quiet", corpus).returncode == 0
    cli = acervo("--index", index, "search", "educacion ninos", "--json").json()["total"]
    with serving(index, options=("--processes", "2")) as port:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while _serving_processes(port) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _serving_processes(port) == 3  # the master and its two workers
        assert set(_totals(base, "educacion+ninos")) == {cli}
        assert set(_totals(base, NEW_WORD)) == {0}

        (corpus / "nuevo-informe.txt").write_text(
            f"Informe de campo sobre la {NEW_WORD} en Esmeraldas.\n\nLa {NEW_WORD} crece.\n",
            encoding="utf-8",
        )
        assert acervo("--index", index, "ingest", "--quiet", corpus).returncode == 0
        # every request, whichever worker answers it, searches the new generation
        assert set(_totals(base, NEW_WORD)) == {1}


def _small_index(tmp_path: Path) -> Path:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "informe.txt").write_text("Informe sobre movilidad humana.\n", encoding="utf-8")
    assert acervo("--index", index, "ingest", "--quiet", corpus).returncode == 0
    return index


def _get(port: int, path: str, headers: dict[str, str] | None = None, body: str | None = None):
    """One request on a connection of its own (gunicorn gives each to whichever worker takes
    it first): (status, headers, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        method = "GET" if body is None else "POST"
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, answer.headers, answer.read().decode("utf-8")
    finally:
        conn.close()


def test_the_login_limit_counts_the_failures_of_every_process_together(tmp_path: Path) -> None:
    with serving(_small_index(tmp_path), options=("--processes", "2")) as port:
        _, headers, page = _get(port, "/entrar")
        cookie = headers["Set-Cookie"].split(";")[0]
        form = {"csrf_token": CSRF.search(page).group(1), "name": "nadie", "password": "mala"}
        post = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        statuses = [
            _get(port, "/entrar", post, urllib.parse.urlencode(form))[0]
            for _ in range(LOGIN_LIMIT + 4)
        ]
    # each process counting alone let about twice as many through (its own 5 per minute)
    assert statuses == [401] * LOGIN_LIMIT + [429] * 4


def _threads(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


def test_the_master_forks_its_workers_with_one_thread(tmp_path: Path) -> None:
    """Forking a process while another of its threads runs (the ingest worker did, in the
    master) copies the locks that thread holds into the child: the master must have none."""
    with serving(_small_index(tmp_path), options=("--processes", "2")) as port:
        deadline = time.monotonic() + 20
        while _serving_processes(port) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        master = _master_pid(port)
        assert _threads(master) == 1
        assert _get(port, "/api/search?q=movilidad")[0] == 200


def _master_pid(port: int) -> int:
    """The process of `acervo ... serve --port PORT` whose parent is not one of them."""
    pids = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
            parent = int((cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if b"serve" in args and str(port).encode() in args:
            pids[int(cmdline.parent.name)] = parent
    (master,) = (pid for pid, parent in pids.items() if parent not in pids)
    return master


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat after the command name: [0] is field 3 (state), [16] field 19 (nice)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _children(pid: int) -> dict[int, bytes]:
    """pid -> command line of each process whose parent is `pid`."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(_stat(int(stat.parent.name))[1]) == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return found


def test_the_ingest_worker_runs_below_the_processes_that_answer(tmp_path: Path) -> None:
    """While an ingest runs, the searches get the cores first: the server's ingest worker
    (and the extraction processes it forks, which inherit its priority) runs INGEST_NICENESS
    steps below the web processes, which keep the server's own."""
    with serving(_small_index(tmp_path), options=("--processes", "2")) as port:
        deadline = time.monotonic() + 20
        while _serving_processes(port) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        master = _master_pid(port)
        children = _children(master)
        (worker,) = (pid for pid, cmdline in children.items() if b"spawn_main" in cmdline)
        web = [pid for pid, cmdline in children.items() if b"serve" in cmdline]
        niceness = int(_stat(master)[16])
        assert len(web) == 2
        assert [int(_stat(pid)[16]) for pid in web] == [niceness, niceness]
        lowered = min(19, niceness + INGEST_NICENESS)
        while int(_stat(worker)[16]) != lowered and time.monotonic() < deadline + 20:
            time.sleep(0.2)  # it lowers itself once started (its imports take a while)
        assert int(_stat(worker)[16]) == lowered
        assert _get(port, "/api/search?q=movilidad")[0] == 200


def _ready_web_workers(port: int, but: tuple[int, ...] = ()) -> list[int]:
    """The pids of the gunicorn workers of `acervo serve --port PORT` (not the ingest worker),
    once there are two besides `but` and each has loaded the app (those besides `but` and
    holding no connection wait for new ones)."""
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline:
        children = _children(_master_pid(port))
        workers = [pid for pid, cmdline in children.items() if b"serve" in cmdline]
        fresh = [pid for pid in workers if pid not in but]
        if len(workers) == 2 and all(_listening(pid, port) for pid in fresh):
            break
        time.sleep(0.2)
    return workers


def _listening(pid: int, port: int) -> bool:
    """Whether the process waits for new connections to `port`: its epoll set watches the
    listening socket (/proc/PID/fdinfo lists an epoll's watched descriptors as `tfd:`)."""
    listener = {
        f"socket:[{fields[9]}]"
        for fields in map(str.split, Path("/proc/net/tcp").read_text().splitlines()[1:])
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port  # 0A: LISTEN
    }
    fds, epolls = set(), []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if link in listener:
            fds.add(fd.name)
        elif link == "anon_inode:[eventpoll]":
            epolls.append(fd.name)
    watched = set()
    for fd in epolls:
        for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines():
            if line.startswith("tfd:"):
                watched.add(line.split()[1])
    return bool(fds & watched)


def _held_connections(port: int, pids: list[int]) -> dict[int, int]:
    """pid -> the established connections to `port` that process holds (/proc/net/tcp and its
    open files): which worker serves which client."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            established.add(f"socket:[{fields[9]}]")
    held = {}
    for pid in pids:
        links = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                links.append(os.readlink(fd))
            except OSError:
                continue  # closed meanwhile
        held[pid] = sum(1 for link in links if link in established)
    return held


class _Clients:
    """`count` clients that each keep one HTTP/1.1 connection open and search on it, one request
    after another, as the load test's clients and browsers do, until the block ends."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.stop = port, threading.Event()
        self.answers = [0] * count  # per client
        self.failed: list[tuple[int, bytes]] = []  # status and start of each other answer
        self.lost: list[Exception] = []  # connections that ended without an answer
        self.threads = [threading.Thread(target=self._search, args=(n,)) for n in range(count)]

    def __enter__(self) -> _Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _search(self, n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            while not self.stop.is_set():
                conn.request("GET", "/api/search?q=movilidad")
                answer = conn.getresponse()
                body = answer.read()
                self.answers[n] += 1
                if answer.status != 200:
                    self.failed.append((answer.status, body[:300]))
        except (OSError, http.client.HTTPException) as exc:  # its process was killed
            self.lost.append(exc)
        finally:
            conn.close()

    def wait_answered(self, times: int) -> None:
        deadline = time.monotonic() + 60
        while min(self.answers) < times and time.monotonic() < deadline:
            time.sleep(0.05)

    def wait_lost(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.lost) < count and time.monotonic() < deadline:
            time.sleep(0.05)


def test_kept_alive_connections_spread_evenly_over_the_processes(tmp_path: Path) -> None:
    """Each worker serves the connections it accepted for as long as they stay open: when one
    took most of them, its requests queued behind its few threads while the other worker idled,
    and those clients waited several times longer. New connections go to the worker with fewest."""
    clients = 12
    with serving(_small_index(tmp_path), options=("--processes", "2")) as port:
        workers = _ready_web_workers(port)
        with _Clients(port, clients) as searching:
            searching.wait_answered(3)
            held = _held_connections(port, workers)
        assert searching.failed == []
    assert sum(held.values()) == clients
    assert max(held.values()) - min(held.values()) <= 2, held  # before: 10 to 12 of 12 on one


def test_a_restarted_process_takes_the_new_connections(tmp_path: Path) -> None:
    """A worker killed (by gunicorn's timeout, or out of memory) loses its connections and
    gunicorn starts another: the new connections go to it until it holds as many as the one
    that stayed, and the one that stayed keeps accepting meanwhile (nobody waits for the dead)."""
    with serving(_small_index(tmp_path), options=("--processes", "2")) as port:
        killed, stayed = _ready_web_workers(port)
        with _Clients(port, 6) as first:
            first.wait_answered(2)
            held = _held_connections(port, [killed, stayed])
            os.kill(killed, signal.SIGKILL)
            first.wait_lost(held[killed])
            with _Clients(port, 1) as meanwhile:  # before the new worker is up
                meanwhile.wait_answered(1)
            (new,) = set(_ready_web_workers(port, but=(stayed,))) - {stayed}
            with _Clients(port, held[stayed] + 2) as second:
                second.wait_answered(2)
                now = _held_connections(port, [stayed, new])
        assert meanwhile.answers[0] >= 1  # the one that stayed did not wait for the dead one
        assert first.failed == meanwhile.failed == second.failed == []
        assert meanwhile.lost == second.lost == []
    assert held[killed] >= 2  # the first connections were spread too
    # the stayed one held half of the first clients and the new one took the newcomers
    assert now[new] >= held[stayed] + 1, now
    assert abs(now[new] - now[stayed]) <= 2, now
