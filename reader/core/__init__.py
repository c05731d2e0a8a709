"""Data and logic: parsing, library, index, search, state and export. No Textual here."""
