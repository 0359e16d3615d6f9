"""Lineage: column lineage from the declared transforms, OpenLineage events, and readable graphs."""

from workbench.lineage.columns import RecipeLineage, recipe_lineage

__all__ = ["RecipeLineage", "recipe_lineage"]
