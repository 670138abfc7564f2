"""Stage 4, reporting: chart style, generated texts, headline records, notebook parameters, the refresh
and its HTML report. May import every earlier stage."""
