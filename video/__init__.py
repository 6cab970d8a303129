"""A video store for retrospective analytics that keeps the minimum set of formats.

Operators' accuracy/cost profiles decide which consumption fidelity each (operator, accuracy
target) needs; the configurator derives the storage formats backward from them and coalesces
them under ingestion and storage budgets. Segments live in LMDB, and every read and write is
charged to a modeled storage device of :mod:`memory.storage`.
"""
