"""Memory-hierarchy model: DRAM/HBM devices and channels, SIMD machines, storage tiers.

Everything here is data plus small pure models. Users (the grouping engine, the video store, the
translator's trace export) depend on this package; it depends on none of them.
"""
