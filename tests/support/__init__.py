"""Helpers shared by the test files (imported by name; the fixtures are in tests/conftest.py)."""
