"""`python -m benchmarks.network`: the nearest-open-site query against 5,000 sites (see nearest)."""

import sys

from benchmarks.network.nearest import main

sys.exit(main())
