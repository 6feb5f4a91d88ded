"""The output-safety layer: nothing a terminal obeys survives `visible`, widths are cells."""

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from imagedeck.model.safe_text import cell_width, fit, pad, visible

#: Sequences a hostile name uses: title set, OSC 52 clipboard write, clear screen, hyperlink,
#: CSI in its 8-bit form, bidi override, a forged table row, a byte that is not UTF-8.
HOSTILE = [
    "\x1b]0;owned\x07",
    "\x1b]52;c;cm0gLXJmIH4K\x07",
    "\x1b[2J\x1b[H",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x9b31m",
    "abc\u202edcb",
    "name\nffffffff-forged-row  active",
    "\udcff",
    "\u2066isolate\u2069",
    "zero\u200bwidth",
    "\x7f",
]


def terminal_safe(text: str) -> bool:
    return all(char == " " or char.isprintable() for char in text)


def test_hostile_sequences_become_visible_escapes() -> None:
    for raw in HOSTILE:
        shown = visible(raw)
        assert terminal_safe(shown), (raw, shown)
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert visible("x\u202ey") == "x\\u202ey"
    assert visible("\udcff") == "\\xff"
    assert visible("\x9b") == "\\x9b"


def test_plain_text_is_unchanged() -> None:
    for text in ("debian-12-genericcloud", "Ubuntu 24.04 LTS", "日本語の名前", "café", "😀 emoji"):
        assert visible(text) == text


@given(st.text())
def test_visible_never_lets_a_control_through(text: str) -> None:
    assert terminal_safe(visible(text))


@given(st.binary())
def test_non_utf8_bytes_never_raise_and_encode(raw: bytes) -> None:
    text = raw.decode("utf-8", "surrogateescape")
    shown = visible(text)
    shown.encode("utf-8")  # printable: encodable, so print() cannot raise
    assert terminal_safe(shown)


printable = st.text(
    st.characters(
        categories=["L", "M", "N", "P", "S", "Zs"],
        max_codepoint=0x2FFFF,
    ),
    max_size=40,
)


@given(printable)
def test_cell_width_agrees_with_rich(text: str) -> None:
    shown = visible(text)
    assert cell_width(shown) == cell_len(shown)


@given(printable, st.integers(min_value=0, max_value=50))
def test_fit_never_exceeds_the_width(text: str, width: int) -> None:
    shown = visible(text)
    cut = fit(shown, width)
    assert cell_width(cut) <= width
    if cell_width(shown) <= width:
        assert cut == shown
    assert cell_width(pad(shown, width)) == width


def test_fit_does_not_halve_a_wide_character() -> None:
    assert fit("日本語", 4) == "日…"
    assert cell_width(fit("日本語", 5)) <= 5


def test_cell_width_agrees_with_rich_on_every_printable_code_point() -> None:
    for code in range(0x20, 0x30000):
        char = chr(code)
        if char.isprintable():
            assert cell_width(char) == cell_len(char), hex(code)
