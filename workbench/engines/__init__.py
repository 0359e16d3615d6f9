"""Engines run transforms: pandas in process, Spark (classic or Spark Connect) as lazy plans."""
