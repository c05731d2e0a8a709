"""`python -m reader` runs the same command line as `reader`."""

from reader.cli import main

raise SystemExit(main())
