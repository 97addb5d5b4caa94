"""`vdsoconf faults`: every fake vDSO against the cases, and what each was caught at."""
