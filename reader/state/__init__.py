"""A profile's state file: marks, tags, notes, the undo journal and settings (see reader.state.store)."""
