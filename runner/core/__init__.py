"""The run model: case programs, their KTAP, verdicts and what a session learned.

Nothing here knows about commands or report formats; everything else in
the runner is built on these modules.
"""
