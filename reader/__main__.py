"""`python -m reader` runs the same command line as `reader`."""

from reader.cli import main

if __name__ == "__main__":  # importing this module (as the layer check does) must not run the reader
    raise SystemExit(main())
