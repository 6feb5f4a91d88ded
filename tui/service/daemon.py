"""The service process: one per user, detached from any terminal, started by a client.

A lock file makes it single: a second one started at the same moment sees the lock held
and exits at once. It ignores SIGHUP (a closed terminal is no reason to stop) and stops
cleanly on SIGTERM or SIGINT, leaving unfinished jobs in the journal for the next start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import fcntl
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence

from ..model import ImageDeckError, describe_error
from .paths import ServicePaths, idle_seconds
from .server import TransferService

RATE_ENV = "IMAGEDECK_SERVICE_RATE_LIMIT"
#: glibc's ``mallopt`` parameter for the number of malloc arenas.
M_ARENA_MAX = -8
#: Arenas the service's threads share: each thread of the byte pipelines would otherwise get
#: an arena of its own, each keeping freed MiB-sized buffers, which cost more memory than
#: the buffers in flight; two arenas keep the throughput (measured in bench/RESULTS.md).
ARENAS = 2

log = logging.getLogger(__name__)


@contextlib.contextmanager
def single_instance(paths: ServicePaths) -> Iterator[bool]:
    """Hold the service lock while inside; yields False when another service holds it."""
    fd = os.open(paths.lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield True
    finally:
        os.close(fd)


def share_arenas() -> None:
    """Limit malloc arenas before any thread starts; a libc without ``mallopt`` is left as it is."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, ARENAS)


def _rate(value: str | None) -> float | None:
    try:
        rate = float(value) if value else None
    except ValueError:
        return None
    return rate if rate and rate > 0 else None


async def serve(paths: ServicePaths, idle: float, rate_limit: float | None, max_running: int = 3) -> None:
    service = TransferService(paths, idle=idle, rate_limit=rate_limit, max_running=max_running)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, service.stop)
    loop.add_signal_handler(signal.SIGINT, service.stop)
    await service.run()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imagedeck.service", description=__doc__)
    parser.add_argument(
        "--idle", type=float, default=None, help="seconds without job or client before exiting"
    )
    parser.add_argument("--rate-limit", type=float, default=None, help="bytes per second per transfer")
    parser.add_argument("--max-running", type=int, default=3, help="transfers that may run at once")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    share_arenas()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(message)s")
    paths = ServicePaths.from_env()
    try:
        paths.prepare()
        with single_instance(paths) as alone:
            if not alone:
                log.info("another transfer service is running: exiting")
                return 0
            idle = args.idle if args.idle is not None else idle_seconds()
            rate = args.rate_limit if args.rate_limit is not None else _rate(os.environ.get(RATE_ENV))
            asyncio.run(serve(paths, idle, rate, max(1, args.max_running)))
    except ImageDeckError as exc:
        print(f"imagedeck service: {describe_error(exc)}", file=sys.stderr)
        return 1
    return 0


__all__ = ["RATE_ENV", "main", "serve", "share_arenas", "single_instance"]
