"""`python -m benchmarks.intake`: the public-report surge against `songnuan serve` (see run)."""

import sys

from benchmarks.intake.run import main

sys.exit(main())
