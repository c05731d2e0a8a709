"""The main screen's layers, one concern per module (see base.py for the order)."""
