"""Channel adapters: they translate platform events into the core's events and send its answers."""

__all__: list[str] = []
