"""Thin translations between each platform's events and the core's use cases."""
