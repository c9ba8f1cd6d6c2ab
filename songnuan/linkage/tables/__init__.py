"""Small readable data tables the linkage engine relies on (surnames, accents, look-alikes, marks)."""
