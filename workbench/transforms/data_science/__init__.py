"""Data science: encode, scale, map and bin columns for machine learning."""

from workbench.transforms.data_science import buckets, mapping, normalization, one_hot  # noqa: F401
