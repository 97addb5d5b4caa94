"""The reports of a run, each rendered from a session's RunState."""
