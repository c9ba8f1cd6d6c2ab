"""Small readable data tables the linkage engine relies on (surnames, accents, look-alikes, marks)."""

from pathlib import Path

# Parameters fitted by scripts/fit_linkage_params.py on a generated Chinese set.
FITTED_PARAMETERS = Path(__file__).with_name("chinese_params.json")
