"""Running the product as several processes: local servers and the whole topology on one machine (demo, tests)."""
