"""The `reader` command: with no subcommand it opens the reader; subcommands script it.

parser.py holds the grammar, run.py runs a command line and maps failures to exit codes,
context.py opens what the commands share, output.py prints safely, and one module per
group of commands does the work (papers, views, marks, export, config, digest_files,
backups, open_app).
"""

from reader.cli.run import main

__all__ = ["main"]
