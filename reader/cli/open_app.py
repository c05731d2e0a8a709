"""`reader` with no command: open the terminal app (the one place the CLI loads it)."""

from __future__ import annotations

from reader.cli.context import EXIT_ERROR, EXIT_OK, CommandError, Context


def cmd_open(ctx: Context) -> int:
    try:
        from reader.tui.app import ReaderApp
    except ImportError as error:
        raise CommandError(f"the reader's interface could not be loaded ({error})") from error
    app = ReaderApp(sources=ctx.sources, profile=ctx.args.profile, dirs=ctx.dirs)
    app.run()
    return EXIT_ERROR if app.return_code else EXIT_OK  # it stops with a message when the state cannot be used
