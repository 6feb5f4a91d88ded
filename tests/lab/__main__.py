"""``python -m tests.lab up``: start a lab, print where its clouds.yaml is, stop on Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys

from . import Lab, LabError


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lab")
    parser.add_argument("command", choices=["up", "install"])
    args = parser.parse_args()
    if args.command == "install":
        from .services import ensure_venv

        print(ensure_venv())
        return 0
    try:
        lab = Lab.start()
    except LabError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 1
    print(f"OS_CLIENT_CONFIG_FILE={lab.clouds_yaml}", flush=True)
    print(
        f"keystone {lab.keystone_url}  glance {lab.glance_url}  "
        f"(install {lab.timings['install_s']:.1f} s, start {lab.timings['start_s']:.1f} s)",
        flush=True,
    )
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sys.exit(main())
