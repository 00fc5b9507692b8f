"""Loaders: one module per format behind one signature (placeholder until the loaders land)."""
