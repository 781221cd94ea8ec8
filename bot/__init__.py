"""The sister-city association bot."""
