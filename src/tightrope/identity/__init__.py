"""Who wrote a commit: agent detection (agents.py + agents.toml), the trailer schema
(trailers.py), signed delegation (delegation.py) and the per-commit judgement (verify.py)."""
