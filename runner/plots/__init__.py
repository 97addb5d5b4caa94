"""The plots `make bench` draws, as plain SVG written here: no plotting
library, so that the benchmark needs nothing beyond the runner's Python."""
