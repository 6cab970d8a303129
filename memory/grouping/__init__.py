"""Sort-based grouping on key/pointer arrays (KPAs) over the hybrid-memory model, with a
hash-based and a full-record-sort baseline behind the same interface."""
