"""``python -m bench.run [--smoke]``: every benchmark in one run, written to bench/RESULTS.md.

Starts a real Keystone + Glance (tests/lab), seeds images, measures imagedeck against the
openstack command, curl, cp + sha512sum and the raw API, then stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import platformdirs

from . import (
    fleet,
    glance_api,
    listing,
    machine,
    report,
    responsiveness,
    service_bench,
    startup,
    transfers,
    tui_bench,
)
from .common import GIB, MIB, REPO, Imagedeck, Section, finite

sys.path.insert(0, str(REPO))  # the lab lives in the test tree
from tests.lab import Lab

FULL = {
    "list_sizes": [1000, 5000],
    "list_runs": 5,
    "tui_sizes": [1000, 10000, 50000],
    "tui_runs": 3,
    "key_runs": 5,
    "transfer": GIB,
    "big": 4 * GIB,
    "responsive": 256 * MIB,
    "responsive_images": 2000,
    "traffic_images": 200,
    "idle": 60.0,
    "fleet_images": 5000,
    "startup_runs": 9,
    "startup_images": 1000,
    "key_images": 50000,
    "key_repeats": 15,
    "service_transfer": GIB,
    "service_rounds": 2,
    "service_big": 4 * GIB,
}
SMOKE = {
    "list_sizes": [20],
    "list_runs": 1,
    "tui_sizes": [50],
    "tui_runs": 1,
    "key_runs": 1,
    "transfer": 8 * MIB,
    "big": 16 * MIB,
    "responsive": 16 * MIB,
    "responsive_images": 30,
    "traffic_images": 10,
    "idle": 2.0,
    "fleet_images": 20,
    "startup_runs": 1,
    "startup_images": 20,
    "key_images": 200,
    "key_repeats": 2,
    "service_transfer": 8 * MIB,
    "service_rounds": 1,
    "service_big": 16 * MIB,
}


def openstack_command(lab_venv: Path) -> Path:
    """The openstack command from the lab's venv, or python-openstackclient in a bench venv of its own."""
    found = lab_venv / "bin" / "openstack"
    if found.exists():
        return found
    venv = Path(platformdirs.user_cache_dir("imagedeck")) / "bench-openstackclient"
    command = venv / "bin" / "openstack"
    if not command.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "python-openstackclient==10.5.0"],
            check=True,
        )
    return command


#: Names for ``--only``, and the step each named measurement belongs to.
STEP_OF = {
    "listing": "listing",
    "tui": "tui",
    "transfers (Glance) and memory": "glance-transfers",
    "transfers (local)": "local-transfers",
    "responsiveness": "responsiveness",
    "transfer service": "service",
    "terminal traffic": "traffic",
    "fleet": "fleet",
    "start-up and keys": "startup",
}
STEPS = list(STEP_OF.values())


def sections() -> dict[str, Section]:
    return {
        "listing": Section(
            "1. Listing",
            "Wall time of a full listing as alice (project alpha), median of several runs. "
            "`imagedeck --cloud lab-alice --json ls` and `openstack --os-cloud lab-alice image list -f json "
            "--long` are whole processes as a user types them (imagedeck's token cache warm after one call, "
            "as after any first use); the raw API is every page of `GET /v2/images?limit=1000` with httpx "
            "on an already-held token, JSON parsed, inside the bench process; python+httpx start is "
            "`python -c 'import httpx, json'`, the floor any Python CLI pays before its first request. "
            "All three listings must return the same number of images.",
            [
                "images",
                "imagedeck ls (s)",
                "openstack image list (s)",
                "raw API (s)",
                "python+httpx start (s)",
                "openstack / imagedeck",
                "imagedeck / raw",
            ],
        ),
        "tui": Section(
            "2. TUI",
            "Measured in a real terminal: imagedeck runs in a 120x36 tmux pane on a private tmux "
            "server; the bench polls `tmux capture-pane` (a few ms per poll). Start to rows: from just "
            "before `tmux new-session` (process start) until an image row is in the list. Keys: from "
            "`tmux send-keys` until the image names in the list change (page-down, with the cursor already "
            "on the last row shown, so each press scrolls a page), or until the list empties and refills "
            "(filter: `/` opened first, then `z`, which no image matches, and backspace alternately: each "
            "keystroke filters every loaded row). Names are compared, not the raw screen, so the ticking "
            "age column cannot pass for a key's effect. tmux starts a fresh server for each session "
            "(included in start-to-rows, a few ms).",
            ["measurement", "time"],
        ),
        "transfers": Section(
            "3. Transfers on loopback",
            "A file of random 1 MiB blocks (each numbered, so not repetitive), "
            "uploaded as raw and downloaded with verification. curl: `curl -T FILE -H 'Expect:'` with a "
            "held token to `/v2/images/{id}/file` (record created beforehand, not timed), and "
            "`curl URL | tee FILE | sha512sum` (the baseline: it writes the file, as imagedeck does), with "
            "`curl URL | sha512sum`, which writes nothing, beside it. imagedeck CLI: the whole "
            "`imagedeck upload` / `imagedeck download` command (start-up, auth from cache, inspection, "
            "create, send, hash compare; download writes "
            "FILE.part, verifies sha512, renames). Engine: UploadJob / DownloadJob in-process, same work "
            "without process start-up. Each downloaded file is compared with the source's sha512.",
            ["what", "tool", "MB/s", "ratio to baseline"],
        ),
        "memory": Section(
            "4. Memory",
            "Peak RSS (VmHWM) of the imagedeck process: for CLI transfers from `wait4`'s "
            "`ru_maxrss` of the child; for the TUI from `/proc/<pid>/status` of the process in the tmux pane "
            "after all rows loaded, scrolled and filtered.",
            ["case", "peak RSS"],
        ),
        "responsiveness": Section(
            "5. Responsiveness",
            "In-process with Textual's Pilot (120x36, headless): the app runs on the "
            "local store with four transfers, handed to the transfer service (a separate process the bench "
            "starts, 4 at once) or run by its own TransferManager (max 4 at once), while the "
            "bench sends page-down / j / k / G / g every 50 ms (`App.simulate_key`, not waiting for each); "
            "a 10 ms asyncio timer on the same event loop records how late each tick wakes. "
            "The first two rows "
            "are the target's case; the next ones split it into keys alone and transfers alone.",
            ["run", "worst lateness", "p99 lateness"],
        ),
        "traffic": Section(
            "6. Terminal traffic",
            "Bytes imagedeck writes to its terminal, captured with `tmux pipe-pane` "
            "after the first paint has settled (local store, 120x36).",
            ["measurement", "bytes"],
        ),
        "startup": Section(
            "8. Start-up and per-key cost",
            "Start-up: whole processes as a user types them, median of several runs, the three "
            "interleaved: `python -c pass` in the same virtualenv (the interpreter's own start), "
            "`imagedeck --version` and `imagedeck --json ls` of 1,000 local records. Per key: in-process "
            "with Textual's Pilot (120x36, headless) on a local store of 50,000 records whose newest 120 "
            "(where the cursor moves) carry 40 properties and a sha512 each; a key's cost is the CPU time "
            "of the process from the key until the app is idle with the detail pane showing the image under "
            "the cursor (the pane's 60 ms rest timer is waited for; CPU time does not run while the loop "
            "sleeps).",
            ["measurement", "time", "ratio"],
        ),
        "fleet": Section(
            "7. Fleet view",
            "Three places of N image records each: bob's project in RegionOne and RegionTwo of the lab "
            "and a local store, every record named in all three (so every row has three cells). The "
            "fleet view runs in a child process with Textual's Pilot (120x36, headless); each place is "
            "first opened and listed alone as the fleet does (default listing, then hidden images; second "
            "of two rounds), then the view is opened: first rows is until the matrix holds a row, whole "
            "matrix until every place is read and every row is built. Peak RSS is the child's VmHWM.",
            ["measurement", "value"],
        ),
        "service": Section(
            "9. Transfer service",
            "Transfers run by the per-user transfer service (`python -m imagedeck.service`), which the "
            "bench starts with its socket, journal and log in its work dir. Glance: the same file as in "
            "section 3, submitted with `ServiceClient` and timed from submit until the service reports the "
            "job done (the store was opened by an untimed first upload), beside `curl -T` and "
            "`curl | tee FILE | sha512sum` in the same minutes, order alternating, median of the rounds; "
            "the download again with two processes spinning a core each beside both. Memory: the "
            "service's VmHWM while it uploads four sparse files at once into a local store.",
            ["what", "tool", "MB/s", "ratio to baseline"],
        ),
    }


def main(argv: list[str] | None = None, lab: Lab | None = None) -> int:
    """Run every section; ``lab`` reuses a running lab (the test suite's), else one is started."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes (< 60 s); checks every measurement "
        "produced a number; writes to a temporary file unless --out is given",
    )
    parser.add_argument("--out", type=Path, help="where to write the results (default bench/RESULTS.md)")
    parser.add_argument("--work", type=Path, help="scratch directory (default: a new temporary one)")
    parser.add_argument(
        "--only",
        metavar="STEP[,STEP]",
        type=lambda text: set(text.split(",")),
        help=f"run only these steps ({', '.join(STEPS)}); writes to a temporary file unless --out is given",
    )
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    work = args.work or Path(tempfile.mkdtemp(prefix="imagedeck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.only and not args.only <= set(STEPS):
        parser.error(f"--only takes {', '.join(STEPS)}")
    if args.only and "tui" in args.only:
        args.only.add("listing")  # the TUI's Glance start-up lists the images the listing step creates
    partial = args.smoke or bool(args.only)
    default_out = (
        Path(tempfile.gettempdir()) / "imagedeck-bench-partial.md"
        if partial
        else REPO / "bench" / "RESULTS.md"
    )
    out = args.out or default_out
    began = time.perf_counter()
    secs = sections()
    errors: list[str] = []

    def attempt(name: str, step: Callable[[], None]) -> None:
        if args.only and STEP_OF[name] not in args.only:
            return
        print(f"bench: {name} ...", flush=True)
        start = time.perf_counter()
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - one failed measurement must not lose the others
            detail = traceback.format_exc() if os.environ.get("IMAGEDECK_DEBUG") else str(exc)
            errors.append(f"{name}: {detail.strip()}")
            print(f"bench: {name} FAILED: {detail}", file=sys.stderr, flush=True)
        else:
            print(f"bench: {name} done in {time.perf_counter() - start:.1f} s", flush=True)

    own_lab = lab is None
    running = Lab.start() if lab is None else lab
    created: list[str] = []
    held = glance_api.sign_in(running.cloud("lab-alice"), running.glance_url)
    try:
        deck = Imagedeck(work, running.clouds_yaml)
        openstack = openstack_command(running.services.venv)
        description = machine.describe(running.services.venv)
        attempt(
            "listing",
            lambda: listing.measure(
                secs["listing"], held, deck, openstack, sizes["list_sizes"], sizes["list_runs"], created
            ),
        )
        attempt(
            "tui",
            lambda: tui_bench.measure_startup(
                secs["tui"],
                deck,
                work / "tui-store",
                sizes["tui_sizes"],
                sizes["tui_runs"],
                sizes["list_sizes"][-1],
                sizes["key_runs"],
                secs["memory"],
            ),
        )
        shutil.rmtree(work / "tui-store", ignore_errors=True)
        attempt(
            "transfers (Glance) and memory",
            lambda: transfers.measure_glance(
                secs["transfers"], secs["memory"], held, deck, work, sizes["transfer"], sizes["big"]
            ),
        )
        attempt(
            "transfers (local)",
            lambda: transfers.measure_local(secs["transfers"], deck, work, sizes["transfer"]),
        )
        attempt(
            "responsiveness",
            lambda: responsiveness.measure(
                secs["responsiveness"],
                work,
                sizes["responsive"],
                sizes["responsive_images"],
                3.0 if sizes is FULL else 1.0,
            ),
        )
        attempt(
            "transfer service",
            lambda: service_bench.measure(secs["service"], secs["memory"], held, deck, work, sizes),
        )
        attempt(
            "terminal traffic",
            lambda: tui_bench.measure_traffic(
                secs["traffic"], deck, work / "traffic-store", sizes["traffic_images"], sizes["idle"]
            ),
        )
        attempt(
            "fleet",
            lambda: fleet.measure(secs["fleet"], running, deck, work, sizes["fleet_images"]),
        )
        attempt(
            "start-up and keys",
            lambda: startup.measure(
                secs["startup"],
                deck,
                work,
                sizes["startup_runs"],
                sizes["startup_images"],
                sizes["key_images"],
                sizes["key_repeats"],
            ),
        )
    finally:
        if own_lab:
            running.stop()
        else:
            glance_api.delete_many(held, created)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    for section in secs.values():
        if args.only and not section.numbers:
            continue  # a step that was not asked for
        bad = [name for name, value in section.numbers.items() if not finite(value)]
        if not section.numbers:
            errors.append(f"{section.title}: produced no numbers")
        elif bad:
            errors.append(f"{section.title}: not numbers: {bad}")
    command = "python -m bench.run" + (" --smoke" if args.smoke else "")
    mode = "smoke" if args.smoke else "full"
    if args.only:
        command += f" --only {','.join(sorted(args.only))}"
        mode = f"partial {mode}"
    text = report.render(description, list(secs.values()), mode, command, time.perf_counter() - began, errors)
    out.write_text(text)
    print(text)
    print(f"bench: results written to {out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
