"""Recipes: the model, DataBrew compatibility, conditions, validation and replay."""

from workbench.recipe.model import Recipe, Step

__all__ = ["Recipe", "Step"]
