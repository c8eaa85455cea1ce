"""Child processes of an ingest (extraction workers, tesseract) die with their parent."""

from __future__ import annotations

import ctypes
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (kill -9 included), so no
    extraction worker or tesseract outlives the ingest. Called in the child after the fork."""
    try:
        ctypes.CDLL("libc.so.6").prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not glibc Linux: the child still ends when its pipe closes
        pass
