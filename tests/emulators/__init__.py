"""Local emulators of the messaging platforms, for driving the real client libraries offline."""
