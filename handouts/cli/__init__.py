"""The command line: a thin layer over handouts.build."""
