"""Benchmarks of the reader (not part of the test command): see benchmarks/README.md."""
