"""Facts about instruction sets, as data and small pure functions (the bottom layer of hwemu)."""

from isa.native import install

# the compiled decoder, translator and encoders when they are current (isa.native): "compiled",
# or why the sources run ("absent", "stale", "disabled")
TRANSLATOR = install()
