"""Serving the app: waitress threads in one process, or a pre-fork server with N processes.

Python threads share one core under the GIL, and a search is CPU work: on a 2-core machine one
process serves about one core's worth of searches however many threads it has. With
`processes` > 1 gunicorn forks that many workers (threads in each); every worker builds its own
app after the fork and opens the index read-only on its first request, so workers share nothing
but the files on disk and each switches to a new index generation by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask

from acervo.web.app import create_app

WORKER_TIMEOUT_S = 120  # gunicorn restarts a worker silent for longer (an export streams)


def serve(
    config: Mapping[str, object],
    host: str,
    port: int,
    processes: int = 1,
    threads: int = 4,
    proxy: Mapping[str, object] | None = None,
    started: Callable[[Flask], None] | None = None,
) -> None:
    """`proxy`: waitress's trusted-proxy settings (acervo.cli._proxy), or empty. `started` is
    called with the app of this process (the one that serves, or gunicorn's master): it runs
    the background ingest worker there, once, whatever the number of processes."""
    proxy = dict(proxy or {})
    # in the master before the fork: also writes the session secret every worker then reads
    app = create_app(config)
    if started is not None:
        started(app)
    if processes <= 1:
        import waitress

        waitress.serve(app, host=host, port=port, threads=threads, **proxy)
        return
    _PreFork(
        config,
        {
            # the proxy's X-Forwarded-* are believed from its address only (like waitress)
            "forwarded_allow_ips": proxy.get("trusted_proxy") or "127.0.0.1",
            "bind": f"{host}:{port}",
            "workers": processes,
            "worker_class": "gthread",
            "threads": threads,
            "preload_app": False,  # each worker opens the index itself, after the fork
            "timeout": WORKER_TIMEOUT_S,
            "accesslog": None,
        },
    ).run()


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
            if self.cfg.forwarded_allow_ips != ["127.0.0.1"]:  # behind a trusted proxy
                from werkzeug.middleware.proxy_fix import ProxyFix

                app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
            return app

    return PreFork


def _PreFork(config: Mapping[str, object], options: dict[str, object]):  # noqa: N802
    return _application_class()(config, options)
