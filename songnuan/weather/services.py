"""The three names the demo loader still reads from here, until it moves to `songnuan.demo`.

Weather's workflows live in the modules named for them: `protocol` (what other apps read),
`evaluation`, `overrides`, `intake`, `alerts`, `campaign` and `backtests`. Once the loader
imports those itself, this module goes.
"""

from __future__ import annotations

from songnuan.weather.backtests import replay_and_record
from songnuan.weather.evaluation import active_rules
from songnuan.weather.intake import record_feed_result

__all__ = ["active_rules", "record_feed_result", "replay_and_record"]
