"""tightrope: scan what AI agents add, tag who wrote it, cap what they open."""

__version__ = "0.1.0"
