"""Serving the app: waitress threads in one process, or a pre-fork server with N processes.

Python threads share one core under the GIL, and a search is CPU work: on a 2-core machine one
process serves about one core's worth of searches however many threads it has. With
`processes` > 1 gunicorn forks that many workers (threads in each); every worker builds its own
app after the fork and opens the index read-only on its first request, so workers share nothing
but the files on disk and each switches to a new index generation by itself. A kept-alive
connection stays with the worker that accepted it, so each worker accepts only while no other
holds fewer connections (web/balance.py): otherwise one took nearly all of them.

A background task (the ingest worker, acervo/jobs.py) runs in a process of its own, spawned
(a fresh interpreter, not a fork) before the server starts: gunicorn's master then has one
thread when it forks its workers, and the task runs exactly once, in neither the master nor a
worker. The web processes wake it with an event shared between processes (`WAKEUP_KEY` in the
app's config).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping

from acervo.web.app import create_app

WORKER_TIMEOUT_S = 120  # gunicorn restarts a worker silent for longer (an export streams)
# each process holds its own tables, term cache and lt-proc transducers (about 0.5 GB with the
# English dictionaries): more than this many only when asked for (--processes)
MAX_DEFAULT_PROCESSES = 4
WAKEUP_KEY = "INGEST_WAKEUP"  # the app config key of the event that wakes the background task
TRUSTED_PROXY_KEY = "TRUSTED_PROXY"  # the proxy's address, whose X-Forwarded-* are believed


def default_processes() -> int:
    """One process per core this server may use (a search is CPU work; threads share a core),
    at most MAX_DEFAULT_PROCESSES."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_DEFAULT_PROCESSES)


def serve(
    config: Mapping[str, object],
    host: str,
    port: int,
    processes: int = 1,
    threads: int = 4,
    proxy: Mapping[str, object] | None = None,
    background: Callable[..., None] | None = None,
) -> None:
    """`proxy`: waitress's trusted-proxy settings (acervo.cli._proxy), or empty. `background`:
    a module-level function (it is pickled) run as `background(wakeup, server_pid)` in a
    spawned process for as long as the server runs; the app's WAKEUP_KEY is `wakeup`."""
    proxy = dict(proxy or {})
    spawn = multiprocessing.get_context("spawn")
    if background is not None:
        config = {**config, WAKEUP_KEY: spawn.Event()}
    # in the master before the fork: also writes the session secret every worker then reads,
    # and creates or upgrades the database before the background task opens it
    app = create_app(config)
    if background is not None:
        _start_background(spawn, background, config[WAKEUP_KEY])
    if processes <= 1:
        import waitress

        waitress.serve(app, host=host, port=port, threads=threads, **proxy)
        return
    from acervo.web.balance import Balance, BalancedThreadWorker

    balance = Balance(processes)  # before the fork: every worker's connection count, shared
    _PreFork(
        {**config, TRUSTED_PROXY_KEY: proxy.get("trusted_proxy")},
        {
            # the proxy's X-Forwarded-* are believed from its address only (like waitress)
            "forwarded_allow_ips": proxy.get("trusted_proxy") or "",  # none: no proxy
            "bind": f"{host}:{port}",
            "workers": processes,
            # gthread's worker, accepting only while no other worker holds fewer connections
            "worker_class": BalancedThreadWorker,
            "pre_fork": balance.pre_fork,
            "child_exit": balance.child_exit,
            "threads": threads,
            "preload_app": False,  # each worker opens the index itself, after the fork
            "timeout": WORKER_TIMEOUT_S,
            "accesslog": None,
            # no control socket: its thread in the master, and a socket file in $HOME
            "control_socket_disable": True,
        },
    ).run()


def _start_background(spawn, background: Callable[..., None], wakeup: object) -> None:  # noqa: ANN001
    process = spawn.Process(
        target=background, args=(wakeup, os.getpid()), daemon=True, name="acervo-background"
    )
    process.start()
    # multiprocessing's exit handler would terminate and join it from every process forked
    # from here (gunicorn's workers) as their own child: it ends by itself when this process
    # is gone (acervo.jobs.run_worker_process watches it)
    multiprocessing.process._children.discard(process)  # noqa: SLF001


def _application_class():
    from gunicorn.app.base import BaseApplication

    class PreFork(BaseApplication):
        def __init__(self, config: Mapping[str, object], options: dict[str, object]) -> None:
            self.app_config, self.options = dict(config), options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self):
            app = create_app(self.app_config)
            # behind a trusted proxy (acervo.toml trusted_proxy): its forwarded host and client
            # address too, as waitress takes them (it was skipped for a proxy on 127.0.0.1)
            if self.app_config.get(TRUSTED_PROXY_KEY):
                from werkzeug.middleware.proxy_fix import ProxyFix

                app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
            return app

    return PreFork


def _PreFork(config: Mapping[str, object], options: dict[str, object]):  # noqa: N802
    return _application_class()(config, options)
