"""The one place a secret's value becomes something printable."""

from __future__ import annotations


def preview(secret: str) -> str:
    """A recognisable but useless preview: first 4 and last 2 characters and the length.

    Short values show less so that the preview never reveals most of the value.
    """
    n = len(secret)
    if n >= 16:
        return f"{secret[:4]}…{secret[-2:]} ({n} chars)"
    if n >= 8:
        return f"{secret[:2]}… ({n} chars)"
    return f"… ({n} chars)"


def redact_line(line: str, secret: str) -> str:
    """`line` with every occurrence of `secret` replaced by its preview."""
    if not secret:
        return line
    return line.replace(secret, f"[{preview(secret)}]")
