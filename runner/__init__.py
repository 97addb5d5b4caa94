"""vdsoconf runner: runs case programs, reads their KTAP, reports results."""
