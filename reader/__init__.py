"""reader: a keyboard-driven terminal reader for daily ML-paper digests."""

__version__ = "0.1.0"
