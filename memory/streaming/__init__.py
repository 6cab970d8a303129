"""Streaming runtime on the grouping engines: event-time windows, watermarks, benchmarks."""
