"""Murmure's composition root and command line."""
