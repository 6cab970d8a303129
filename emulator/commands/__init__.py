"""One module per `hwemu` command group."""
