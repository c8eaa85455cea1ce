"""New connections go to the gunicorn worker that holds the fewest (least-connections accepting).

gunicorn's workers share one listening socket and each accepts what it can; a keep-alive
connection then stays with the worker that accepted it. The kernel wakes whichever worker it
likes (under epoll mostly the one that waited last), so with 30 clients one worker took 19 to all
30 connections while the other idled (benchmarks/load_test.py), and the crowded one queued its
requests behind its own few threads: its searches took several times the other's.

Here each worker writes its open connections (gunicorn's `nr_conns`: kept-alive idle ones too) in
memory shared by all, made by the master before it forks, and listens for new connections only
while no live sibling holds fewer. Equal counts all listen, so the worker with the fewest always
does: some worker always accepts. A slot whose worker stops, dies or stops beating (its loop
writes at least every second) no longer counts, and a restarted worker takes a free slot.
"""

from __future__ import annotations

import multiprocessing
import time

from gunicorn.workers.gthread import ThreadWorker

ABSENT = -1  # a slot's count when no running worker holds it
STALE_S = 5.0  # a worker whose loop has not written for this long (hung, killed) counts no more
# how long a worker that is not listening waits before it looks at its siblings' counts again
# (a worker listening already checks after every event): at most this delay for a connection
# when the only worker with the fewest has just been passed by another one's accepts
RECHECK_S = 0.05


class Balance:
    """Every worker's open connections, in memory that the forked workers share."""

    def __init__(self, workers: int) -> None:
        # twice the workers: on a reload (HUP) gunicorn starts the new ones before the old stop
        slots = 2 * workers
        self.counts = multiprocessing.RawArray("i", [ABSENT] * slots)
        self.beats = multiprocessing.RawArray(
            "d", [0.0] * slots
        )  # time.monotonic() of the last write

    def pre_fork(self, arbiter, worker) -> None:  # noqa: ANN001 (gunicorn's server hook)
        """In the master, before the fork: the worker takes a slot no live worker holds (none
        if all are taken: it then accepts as gunicorn's own worker does)."""
        taken = {getattr(w, "balance_slot", None) for w in arbiter.WORKERS.values()}
        free = [slot for slot in range(len(self.counts)) if slot not in taken]
        worker.balance, worker.balance_slot = self, (free[0] if free else None)
        if free:
            self.counts[free[0]] = ABSENT  # it counts once its loop runs

    def child_exit(self, arbiter, worker) -> None:  # noqa: ANN001 (gunicorn's server hook)
        """In the master, when a worker has ended (however it ended): its slot is free."""
        slot = getattr(worker, "balance_slot", None)
        if slot is not None:
            self.counts[slot] = ABSENT

    def write(self, slot: int, connections: int) -> None:
        self.counts[slot] = connections
        self.beats[slot] = time.monotonic()

    def fewest_of_others(self, slot: int) -> int | None:
        """The fewest connections of a live worker other than `slot`'s; None if there is none."""
        now = time.monotonic()
        live = [
            count
            for other, count in enumerate(self.counts)
            if other != slot and count != ABSENT and now - self.beats[other] < STALE_S
        ]
        return min(live, default=None)


class BalancedThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, listening only while no sibling holds fewer connections."""

    balance: Balance | None = None  # set by Balance.pre_fork
    balance_slot: int | None = None

    def set_accept_enabled(self, enabled: bool) -> None:
        # gunicorn's loop asks to listen whenever the worker is below its own connection limit,
        # and not to once it stops (then it must not hold the others back either)
        if self.balance is not None and self.balance_slot is not None and not self.alive:
            self.balance.counts[self.balance_slot] = ABSENT
        super().set_accept_enabled(enabled and self.alive and self._has_fewest())

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # once per turn of gunicorn's loop, before it waits: the siblings' counts may have moved
        if self.balance is not None and self.balance_slot is not None and self.alive:
            self.balance.write(self.balance_slot, self.nr_conns)
        self.set_accept_enabled(self.nr_conns < self.worker_connections)
        if self.alive and not self._accepting:
            timeout = min(timeout, RECHECK_S)
        super().wait_for_and_dispatch_events(timeout)

    def _has_fewest(self) -> bool:
        if self.balance is None or self.balance_slot is None:
            return True
        fewest = self.balance.fewest_of_others(self.balance_slot)
        return fewest is None or self.nr_conns <= fewest
