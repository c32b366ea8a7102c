"""matplotlib figures. Every function takes tidy DataFrames and returns a Figure."""
