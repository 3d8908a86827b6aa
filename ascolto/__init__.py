"""Ascolto: shared configuration and the command-line entry point."""
