#!/usr/bin/env python3
"""Make printable patient handouts. Run `python generate.py --help`."""
import sys

try:
    from handouts.cli.entry import main
except KeyboardInterrupt:  # Ctrl-C in the first milliseconds
    print("interrupted before anything was written", file=sys.stderr)
    sys.exit(130)

if __name__ == "__main__":
    sys.exit(main())
