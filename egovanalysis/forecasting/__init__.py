"""Stage 3, forecasting: series building, simple models with intervals, backtests and target
probabilities. Imports the top-level modules, ingest and analysis."""
