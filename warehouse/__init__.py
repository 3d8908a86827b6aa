"""The warehouse: DuckDB over the Parquet datasets, indicators, and the internal console."""
