"""The stream processor: Kafka records → validated, enriched, harmonized, redacted Parquet rows."""
