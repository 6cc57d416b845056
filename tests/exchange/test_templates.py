"""The content security policy forbids inline script and style: no template may contain any."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = ["templates", "exchange", "learninglines", "sessions_app"]
TEMPLATES = sorted(path for folder in TEMPLATE_DIRS for path in (ROOT / folder).rglob("*.html"))

INLINE_PATTERNS = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "htmx inline handler": re.compile(r"\shx-on[:-]", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "asset from another host": re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE),
}


def test_templates_are_found():
    assert ROOT / "templates" / "base.html" in TEMPLATES
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    found = [
        f"{kind}: {match.group(0).strip()}"
        for kind, pattern in INLINE_PATTERNS.items()
        for match in pattern.finditer(text)
    ]
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        '<button onclick="go()">',
        "<style>p{}</style>",
        '<img src="https://cdn.example/x.png">',
    ],
)
def test_scanner_catches_inline_code(snippet):
    assert any(pattern.search(snippet) for pattern in INLINE_PATTERNS.values())


def unclosed_comments(text: str) -> list[str]:
    """Lines that open a {# comment #} without closing it: Django's short comment ends at the
    line's end, so the rest is printed on the page as text."""
    return [line.strip() for line in text.splitlines() if "{#" in line.split("#}")[-1]]


TEXT_TEMPLATES = TEMPLATES + sorted(
    path for folder in TEMPLATE_DIRS for path in (ROOT / folder).rglob("*.txt")
)


@pytest.mark.parametrize("template", TEXT_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_short_comment_runs_over_more_than_one_line(template):
    assert unclosed_comments(template.read_text(encoding="utf-8")) == []


def test_the_comment_scanner_finds_a_comment_over_two_lines():
    assert unclosed_comments("{# one line #}\n<p>{# starts here\n ends here #}</p>") == [
        "<p>{# starts here"
    ]
