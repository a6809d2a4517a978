"""Pure business rules: stdlib only, time passed in."""
