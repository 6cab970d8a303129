"""Make the helper modules of tests/emulator (corpus_programs) importable from its test files."""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
