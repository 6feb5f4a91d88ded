"""RESULTS.md: the machine, one table per section, and every target met or missed."""

from __future__ import annotations

from datetime import UTC, datetime

from .common import Section


def _table(columns: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def render(
    machine: list[tuple[str, str]],
    sections: list[Section],
    mode: str,
    command: str,
    seconds: float,
    errors: list[str],
) -> str:
    out = [
        "# imagedeck benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {mode} mode, `{command}`, "
        f"{seconds / 60:.1f} min in all.",
        "",
        "Every figure below comes from this one run, on a real Keystone + Glance (PostgreSQL) started on "
        "127.0.0.1 by the bench itself. The machine's two cores were shared with other work while it ran, "
        "so absolute times are noisy: read the ratios, which compare tools measured side by side in the "
        "same minutes.",
        "",
        "## Machine",
        "",
        *_table(["", ""], [list(row) for row in machine]),
        "",
    ]
    for section in sections:
        out += [f"## {section.title}", "", section.how, ""]
        if section.rows:
            out += _table(section.columns, section.rows)
            out.append("")
        for note in section.notes:
            out.append(f"- {note}")
        if section.notes:
            out.append("")
    out += ["## Targets", ""]
    targets = [t for s in sections for t in s.targets]
    out += _table(
        ["target", "measured", "limit", "result"],
        [[t.what, t.measured, t.limit, "met" if t.met else "**missed**"] for t in targets],
    )
    met = sum(t.met for t in targets)
    out += ["", f"{met} of {len(targets)} targets met."]
    if errors:
        out += ["", "## Measurements that failed", ""] + [f"- {e}" for e in errors]
    return "\n".join(out) + "\n"
