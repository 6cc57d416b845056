"""Forms of the exchange: they validate and normalise; services do the writing."""
