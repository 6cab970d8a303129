"""DRAM and HBM devices: standards as data, timing constraints, address mapping, simulator."""
