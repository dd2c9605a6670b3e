"""A terminal messenger with simulated members and groups: the whole product, locally."""
