"""The `vdsoconf` command: one argparse tree, a module per subcommand.

cli/main.py builds the tree and dispatches; each subcommand module adds
its parser to the tree and turns parsed arguments into a run.
"""
