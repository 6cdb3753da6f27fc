"""Alert engine: rule types, spike detectors, evaluation and backtests (pure cores; I/O at the edges)."""
