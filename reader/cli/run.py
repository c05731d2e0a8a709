"""Run one command line: parse it, run the command, and turn what went wrong into one
line on stderr and an exit code (0, 1, 2 or 130, as grep has them)."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence

from reader.cli.context import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, CommandError, Context
from reader.cli.output import err
from reader.cli.parser import build_parser
from reader.domain.text import escape_name
from reader.search.index import IndexDamaged
from reader.state.store import StateError


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ctx = None
    try:
        ctx = Context(args)
        return args.handler(ctx)
    except (CommandError, StateError, ValueError) as error:
        err(f"reader: {error}")
        return EXIT_ERROR
    except IndexDamaged as error:
        err(f"reader: the search index is damaged ({error}); run `reader index --rebuild`")
        return EXIT_ERROR
    except sqlite3.Error as error:
        # Only the digest catalog (a cache) raises these; the state store wraps its own.
        err(f"reader: the digest catalog could not be used ({error}); try again, or run `reader index --rebuild`")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        name = f"{escape_name(error.filename)}: " if error.filename else ""
        err(f"reader: {name}{error.strerror or error}")
        return EXIT_ERROR
    finally:
        if ctx is not None:
            ctx.close()
