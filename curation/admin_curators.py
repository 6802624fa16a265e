"""Curator accounts and their areas."""
