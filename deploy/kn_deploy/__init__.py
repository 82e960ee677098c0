"""Local runtime: real Kafka and PostgreSQL started as processes, and the `kn` tool."""
