"""Scanners over the lines a change adds: `secrets` (tokens, keys, passwords), and the
pattern and dependency scanners. Importing this package imports nothing heavy."""
