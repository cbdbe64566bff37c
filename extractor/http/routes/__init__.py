"""The API's routes, one module per group: extraction, the store, operations."""
