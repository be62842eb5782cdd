#!/usr/bin/env python3
"""Make printable patient handouts. Run `python generate.py --help`."""
import sys

from handouts.entry import main

if __name__ == "__main__":
    sys.exit(main())
