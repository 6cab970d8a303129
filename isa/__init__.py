"""Facts about instruction sets, as data and small pure functions (the bottom layer of hwemu)."""
