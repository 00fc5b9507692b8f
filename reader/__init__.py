"""reader: a keyboard-driven terminal app for reading, searching and annotating articles."""

__version__ = "0.1.0"
