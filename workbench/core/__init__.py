"""The framework: registry, parameter kinds, families, logical types and errors."""
