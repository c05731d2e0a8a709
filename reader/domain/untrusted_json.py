"""JSON from outside (a fetched answer, a digest file, a marks file from another machine):
read so that nothing in it can raise anything but `UntrustedJSON` with a one-line reason.

The standard decoder raises more than JSONDecodeError on hostile text: RecursionError on
deep nesting (`[[[[...` a hundred thousand deep) and ValueError on an integer of more than
4,300 digits. Every reader of outside JSON goes through here, so none forgets one.
"""

from __future__ import annotations

import json
from typing import Any

_DECODER = json.JSONDecoder()


class UntrustedJSON(ValueError):
    """Text that is not readable JSON; `line` is where, when known (1-based)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def loads(text: str) -> Any:
    """The one JSON value `text` holds (spaces around it allowed), as json.loads."""
    return _guarded(json.loads, text)


def decode_at(text: str, position: int) -> tuple[Any, int]:
    """One JSON value starting at `position`, and where it ends (see json.JSONDecoder.raw_decode)."""
    decoded: tuple[Any, int] = _guarded(_DECODER.raw_decode, text, position)
    return decoded


def _guarded(decode: Any, *args: Any) -> Any:
    try:
        return decode(*args)
    except json.JSONDecodeError as error:
        raise UntrustedJSON(error.msg, error.lineno) from None
    except RecursionError:
        raise UntrustedJSON("nested too deep to read") from None
    except ValueError:  # the only other one: an integer of more than 4,300 digits
        raise UntrustedJSON("a number too long to read") from None
