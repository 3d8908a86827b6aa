"""Running Ascolto: the local broker, the all-in-one runner and process configuration."""
