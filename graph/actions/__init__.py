"""Proposed writes: how each kind is prepared, shown, edited, re-checked and applied exactly once."""
