"""Forges (GitHub, GitLab): network I/O only. Nothing here judges a change."""
